/**
 * The filter bar: a date range (UTC days, with quick ranges), the asset type, and one asset or
 * all. It owns no data: it reports a new Filter through `onChange`.
 */
import { dayNumber, isoDay } from '../../calendar.js';
import type { Filter, Grain, Meta, TypeFilter } from '../shared/types.js';
import { h } from './dom.js';
import { assetKey, assetLabels, formatInt, TYPE_LABELS } from './format.js';

const PRESETS: Array<[string, string, number | null]> = [
  ['all', 'All days', null],
  ['7', 'Last 7 days', 7],
  ['30', 'Last 30 days', 30],
  ['90', 'Last 90 days', 90],
  ['custom', 'Custom', null],
];

export interface FilterBar {
  element: HTMLElement;
  /** Fills the controls from the warehouse's metadata and the current filter. */
  update(meta: Meta, filter: Filter): void;
}

const option = (value: string, label: string) => h('option', { attrs: { value } }, label);

export function filterBar(
  onChange: (filter: Filter) => void,
  options: { perAsset: boolean; grain: Grain },
): FilterBar {
  let meta: Meta | undefined;
  const preset = h(
    'select',
    { attrs: { 'aria-label': 'Date range' } },
    ...PRESETS.map(([v, l]) => option(v, l)),
  );
  const from = h('input', { attrs: { type: 'date', 'aria-label': 'From (UTC day)' } });
  const to = h('input', { attrs: { type: 'date', 'aria-label': 'To (UTC day)' } });
  const type = h(
    'select',
    { attrs: { 'aria-label': 'Asset type' } },
    option('all', 'Videos and live streams'),
    option('video', 'Videos'),
    option('live_stream', 'Live streams'),
  );
  const asset = h('select', { className: 'vw-asset', attrs: { 'aria-label': 'Asset' } });
  const grainNote =
    options.grain === 'day'
      ? 'Days are UTC.'
      : `Days are UTC. This report groups by ${options.grain}: ranges widen to whole ${options.grain}s.`;

  const current = (): Filter => {
    const f: Filter = { type: type.value as TypeFilter };
    // "All days" shows the extent in the inputs but leaves the range open.
    if (preset.value !== 'all') {
      if (from.value) f.from = from.value;
      if (to.value) f.to = to.value;
    }
    if (asset.value) f.asset = asset.value;
    return f;
  };

  const fillAssets = (keep: string | undefined) => {
    const chosen = type.value;
    const list = (meta?.assets ?? []).filter((a) => chosen === 'all' || a.type === chosen);
    const labels = assetLabels(meta?.assets ?? []);
    asset.replaceChildren(
      option(
        '',
        chosen === 'all'
          ? 'All videos and live streams'
          : `All ${TYPE_LABELS[chosen as 'video'].toLowerCase()}s`,
      ),
      ...list.map((a) => {
        const label = `${labels.get(assetKey(a.type, a.id))} (${formatInt(a.sessions)})`;
        return option(a.id, chosen === 'all' ? `${TYPE_LABELS[a.type]}: ${label}` : label);
      }),
    );
    asset.value = keep && list.some((a) => a.id === keep) ? keep : '';
  };

  const applyPreset = () => {
    const days = PRESETS.find(([v]) => v === preset.value)?.[2];
    const end = meta?.extent?.to;
    if (preset.value === 'all' || !end) {
      from.value = meta?.extent?.from ?? '';
      to.value = end ?? '';
    } else if (days) {
      to.value = end;
      from.value = isoDay(dayNumber(end)! - days + 1);
    }
  };

  preset.addEventListener('change', () => {
    applyPreset();
    onChange(current());
  });
  for (const input of [from, to]) {
    input.addEventListener('change', () => {
      preset.value = 'custom';
      // The browser's date input can hold a half-typed or reversed range: keep it sane.
      if (from.value && to.value && from.value > to.value) {
        if (input === from) to.value = from.value;
        else from.value = to.value;
      }
      onChange(current());
    });
  }
  type.addEventListener('change', () => {
    fillAssets(asset.value);
    onChange(current());
  });
  asset.addEventListener('change', () => onChange(current()));

  const assetControl = options.perAsset
    ? h('label', {}, 'Asset', asset)
    : h(
        'span',
        { className: 'vw-note' },
        'This report is per asset type only (too much data per asset).',
      );

  const element = h(
    'form',
    {
      className: 'vw-filters',
      attrs: { role: 'search' },
      on: { submit: (e) => e.preventDefault() },
    },
    h('label', {}, 'Range', preset),
    h('label', {}, 'From', from),
    h('label', {}, 'To', to),
    h('label', {}, 'Type', type),
    assetControl,
    h('span', { className: 'vw-note' }, grainNote),
  );

  return {
    element,
    update(next: Meta, filter: Filter) {
      meta = next;
      for (const input of [from, to]) {
        input.min = next.extent?.from ?? '';
        input.max = next.extent?.to ?? '';
      }
      from.value = filter.from ?? next.extent?.from ?? '';
      to.value = filter.to ?? next.extent?.to ?? '';
      if (!filter.from && !filter.to) preset.value = 'all';
      else if (preset.value === 'all') preset.value = 'custom';
      type.value = filter.type;
      fillAssets(filter.asset);
    },
  };
}
