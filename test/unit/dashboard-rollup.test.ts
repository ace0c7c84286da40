import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMillionWarehouse } from '../helpers/million-warehouse.js';
import { CHARTS } from '../../src/dashboard/shared/charts.js';
import { decodeCube, type ReportData } from '../../src/dashboard/shared/cube.js';
import { jsonForScript } from '../../src/dashboard/html.js';
import {
  RECENT_TABLE,
  recentSessionsSql,
  SESSION_ROW_SQL,
  sessionPage,
} from '../../src/dashboard/explorer.js';
import { allCharts, buildAggregates } from '../../src/dashboard/queries.js';
import { pageOf } from '../../src/dashboard/shared/explorer.js';
import { BY_ASSET_TABLE } from '../../src/dashboard/sql.js';
import { buildReportData } from '../../src/dashboard/report.js';
import { rollup } from '../../src/dashboard/shared/rollup.js';
import type { Filter, Row, SessionQuery, SessionRow } from '../../src/dashboard/shared/types.js';
import { Warehouse } from '../../src/warehouse/connection.js';

/** Sums of doubles added in another order differ in the last bits; counts must be exact. */
function expectSameRows(actual: Row[], expected: Row[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i]!;
    expect(Object.keys(row).sort(), label).toEqual(Object.keys(want).sort());
    for (const [key, value] of Object.entries(want)) {
      if (typeof value === 'number' && typeof row[key] === 'number') {
        const tolerance = 1e-9 * Math.max(1, Math.abs(value));
        expect(Math.abs((row[key] as number) - value), `${label} row ${i} ${key}`).toBeLessThan(
          tolerance,
        );
      } else {
        expect(row[key], `${label} row ${i} ${key}`).toEqual(value);
      }
    }
  });
}

function rollupAll(data: ReportData, filter: Filter): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const chart of CHARTS) {
    const rows = decodeCube(chart, data.by, data.cubes[chart.id]!, data.strings);
    // The embedded JSON is what the browser parses: go through it, escapes and all.
    out[chart.id] = rollup(chart, rows, filter, data.grain, data.by);
  }
  return out;
}

describe("the report's roll-up of cubes equals serve's answers", () => {
  let dir: string;
  let db: Warehouse;
  let daily: ReportData;
  let assetId: string;
  let liveId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-rollup-'));
    const path = join(dir, 'w.duckdb');
    // 2024-01-01 is a Monday: the 84 days are exactly 12 weeks.
    await buildMillionWarehouse(path, {
      sessions: 6000,
      videos: 30,
      liveStreams: 4,
      days: 84,
      lastDay: '2024-03-24',
    });
    db = await Warehouse.open(path, { readOnly: true });
    await buildAggregates(db);
    const parsed = (data: ReportData) =>
      JSON.parse(jsonForScript(data).replace(/\\u003c/g, '<')) as ReportData;
    daily = parsed(await buildReportData(db));
    assetId = daily.meta.assets.find((a) => a.type === 'video')!.id;
    liveId = daily.meta.assets.find((a) => a.type === 'live_stream')!.id;
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps days and assets when the data fits the budget', () => {
    expect(daily.grain).toBe('day');
    expect(daily.by).toBe('asset');
    expect(daily.meta.extent).toEqual({ from: '2024-01-01', to: '2024-03-24' });
  });

  const filters = (): Filter[] => [
    { type: 'all' },
    { type: 'all', from: '2024-01-10', to: '2024-02-03' },
    { type: 'video' },
    { type: 'live_stream', from: '2024-02-01' },
    { type: 'all', asset: assetId },
    { type: 'video', asset: assetId, from: '2024-01-15', to: '2024-03-01' },
    { type: 'live_stream', asset: liveId, to: '2024-02-15' },
    { type: 'all', from: '2025-01-01' },
  ];

  it('for every chart and several filters, on the plain and the fast SQL paths', async () => {
    for (const filter of filters()) {
      const rolled = rollupAll(daily, filter);
      const served = await allCharts(db, filter);
      const fast = await allCharts(db, filter, true);
      for (const chart of CHARTS) {
        const label = `${chart.id} ${JSON.stringify(filter)}`;
        expectSameRows(rolled[chart.id]!, served[chart.id]!, label);
        expectSameRows(fast[chart.id]!, served[chart.id]!, `fast ${label}`);
      }
    }
  });

  it('coarsened to weeks, still exact for ranges of whole weeks', async () => {
    // A budget the daily cubes just miss (it bounds the cubes; sessions have their own).
    const cubesOnly = {
      ...daily,
      retention: {},
      sessions: { ...daily.sessions, rows: [], events: {}, note: '' },
    };
    const weekly = await buildReportData(db, {}, jsonForScript(cubesOnly).length - 1);
    expect(weekly.grain).toBe('week');
    expect(weekly.by).toBe('asset');
    for (const filter of [
      { type: 'all', from: '2024-01-08', to: '2024-02-04' },
      { type: 'video', asset: assetId, from: '2024-02-05' },
    ] satisfies Filter[]) {
      const rolled = rollupAll(weekly, filter);
      const served = await allCharts(db, filter);
      for (const chart of CHARTS.filter((c) => c.id !== 'daily' && c.id !== 'api_daily')) {
        expectSameRows(
          rolled[chart.id]!,
          served[chart.id]!,
          `${chart.id} ${JSON.stringify(filter)}`,
        );
      }
      // Per-day series become per-week: the same sessions, in fewer bars.
      const total = (rows: Row[]) => rows.reduce((n, r) => n + Number(r.sessions), 0);
      expect(total(rolled.daily!)).toBe(total(served.daily!));
      expect(
        rolled.daily!.every((r) => new Date(`${String(r.day)}T00:00:00Z`).getUTCDay() === 1),
      ).toBe(true);
    }
  });

  it('falls back to months per asset type, dropping the asset picker, on a tiny budget', async () => {
    const coarse = await buildReportData(db, {}, 1000);
    expect(coarse.grain).toBe('month');
    expect(coarse.by).toBe('type');
    expect(coarse.meta.assets).toEqual([]);
    const filter: Filter = { type: 'live_stream', from: '2024-02-01', to: '2024-02-29' };
    const rolled = rollupAll(coarse, filter);
    const served = await allCharts(db, filter);
    expectSameRows(rolled.totals!, served.totals!, 'totals');
    expectSameRows(rolled.devices!, served.devices!, 'devices');
  });

  it("pages sessions as serve does, from the newest apart or not, and as the report's explorer does", async () => {
    await db.run(recentSessionsSql(100));
    const all = await db.jsonRows<SessionRow>(`SELECT ${SESSION_ROW_SQL} FROM main.master`);
    const full = { sessions: BY_ASSET_TABLE };
    const both = { sessions: BY_ASSET_TABLE, recent: RECENT_TABLE };
    const filters: Filter[] = [
      { type: 'all' },
      { type: 'video', from: '2024-02-01' },
      { type: 'all', asset: assetId },
    ];
    for (const filter of filters) {
      for (const page of [0, 1, 3, 4, 9]) {
        const query: SessionQuery = { filter, sort: 'time', dir: 'desc', page };
        const served = await sessionPage(db, query, full);
        const label = JSON.stringify(query);
        expect(await sessionPage(db, query, both), label).toEqual(served);
        expect(pageOf(all, query), label).toEqual(served);
      }
      for (const sort of ['country', 'device', 'watch', 'ended'] as const) {
        const query: SessionQuery = { filter, sort, dir: 'asc', page: 2, q: 'o' };
        expect(pageOf(all, query), JSON.stringify(query)).toEqual(await sessionPage(db, query));
      }
    }
    await db.run(recentSessionsSql());
  });

  it('limits a report to --from/--to', async () => {
    const part = await buildReportData(db, { from: '2024-02-01', to: '2024-02-10' });
    expect(part.meta.extent).toEqual({ from: '2024-02-01', to: '2024-02-10' });
    const rolled = rollupAll(part, { type: 'all' });
    const served = await allCharts(db, { type: 'all', from: '2024-02-01', to: '2024-02-10' });
    expectSameRows(rolled.totals!, served.totals!, 'totals');
    expectSameRows(rolled.countries!, served.countries!, 'countries');
  });
});
