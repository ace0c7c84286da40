/** How numbers, durations and labels read on the page. */
import { SECOND_BINS } from '../shared/charts.js';
import type { Asset, AssetType, Meta } from '../shared/types.js';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const formatInt = (n: number) => int.format(n);
export const formatCompact = (n: number) =>
  Math.abs(n) < 10_000 ? int.format(n) : compact.format(n);

export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : '–';
}

/** 42 s, 3 min 5 s, 2 h 10 min, 1,234 h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
  }
  const hours = Math.floor(s / 3600);
  if (hours >= 100) return `${int.format(hours)} h`;
  const minutes = Math.floor((s % 3600) / 60);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

function inUnit(seconds: number, unit: number): string {
  return String(seconds / unit);
}

/** The label of histogram bin `bin` (null: sessions whose events name no position). */
export function binLabel(bin: number | null): string {
  if (bin === null) return 'no position';
  const lo = SECOND_BINS[bin]!;
  const hi = SECOND_BINS[bin + 1];
  if (hi === undefined) return lo >= 3600 ? `${lo / 3600} h +` : `${lo / 60} min +`;
  const [unit, name] = hi <= 60 ? [1, 's'] : hi <= 3600 ? [60, 'min'] : [3600, 'h'];
  if (lo === 0) return `< ${inUnit(hi, unit)} ${name}`;
  return `${inUnit(lo, unit)}–${inUnit(hi, unit)} ${name}`;
}

export const BIN_LABELS = SECOND_BINS.map((_, i) => binLabel(i));

export const TYPE_LABELS: Record<AssetType, string> = {
  video: 'Video',
  live_stream: 'Live stream',
};
export const TYPE_COLORS: Record<AssetType, string> = { video: '#3867d6', live_stream: '#f0932b' };

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const assetKey = (type: string, id: string) => `${type}:${id}`;

/** Titles are not unique (three "Morning show" streams): labels add what tells them apart. */
export function assetLabels(assets: Asset[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const a of assets) count.set(a.title ?? '', (count.get(a.title ?? '') ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const a of assets) {
    const title = a.title ?? '(untitled)';
    labels.set(
      assetKey(a.type, a.id),
      (count.get(a.title ?? '') ?? 0) > 1 ? `${title} · ${a.id}` : title,
    );
  }
  return labels;
}

export function countryName(meta: Meta, code: string | null): string {
  if (code === null) return 'Unknown';
  return meta.countries[code] ?? code;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Shortens an asset label but never its id: "Morning show · li0002" stays told apart from
 * "Morning show · li0003" however little room there is, by cutting the title instead.
 */
export function truncateLabel(label: string, max: number, id?: string): string {
  const suffix = id !== undefined && label.endsWith(` · ${id}`) ? ` · ${id}` : '';
  if (!suffix) return truncate(label, max);
  const title = label.slice(0, -suffix.length);
  return `${truncate(title, Math.max(6, max - suffix.length))}${suffix}`;
}

/** 2025-03-04 10:15:00 UTC → "2025-03-04 10:15:00". */
export const formatTime = (iso: string) => iso.slice(0, 19).replace('T', ' ');

/** A position in a video: 75 → "1:15", 3725 → "1:02:05". */
export function formatPosition(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A change beside its previous value: "+12.5%", "−3.0%", or "new" when there was none. */
export function formatChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '±0' : 'new';
  const ratio = (now - before) / before;
  const sign = ratio > 0 ? '+' : ratio < 0 ? '−' : '±';
  return `${sign}${Math.abs(ratio * 100).toFixed(1)}%`;
}

export function valueLabel(value: unknown): string {
  return value === null || value === undefined || value === '' ? 'Unknown' : String(value);
}
