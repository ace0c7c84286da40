/** The dashboard's shared pieces that need no warehouse: CSV, the view in a URL, the page list. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHARTS } from '../../src/dashboard/shared/charts.js';
import { csvCell, toCsv } from '../../src/dashboard/shared/csv.js';
import { parseSessionQuery, sessionQueryString } from '../../src/dashboard/shared/explorer.js';
import { FilterError } from '../../src/dashboard/shared/filter.js';
import { CARDS, PAGE } from '../../src/dashboard/shared/page.js';
import { comparedRanges, parseView, viewQuery } from '../../src/dashboard/shared/view.js';

describe('CSV', () => {
  it('neutralises what a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\t=x', '\r=x']) {
      expect(csvCell(text).replace(/^"|"$/g, '').startsWith(`'`), text).toBe(true);
    }
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    // Numbers are data, negative ones too; plain text stays as it is.
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('Paris')).toBe('Paris');
    expect(csvCell(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks, and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', 2],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",2\r\n');
  });
});

describe('the view in a URL', () => {
  it('round-trips asset, session, from, to and type', () => {
    const view = {
      type: 'video' as const,
      asset: 'vi1',
      session: 'ps1',
      from: '2025-01-01',
      to: '2025-01-31',
    };
    const q = viewQuery(view);
    expect(q).toBe('from=2025-01-01&to=2025-01-31&type=video&asset=vi1&session=ps1');
    expect(parseView(new URLSearchParams(q))).toEqual(view);
    expect(viewQuery({ type: 'all' })).toBe('');
  });

  it('drops what a link gets wrong instead of failing', () => {
    expect(parseView(new URLSearchParams('from=2025-02-30&type=video'))).toEqual({ type: 'all' });
    expect(parseView(new URLSearchParams(`session=${'x'.repeat(300)}`))).toEqual({ type: 'all' });
  });

  it('compares a range with the period of equal length just before it', () => {
    const extent = { from: '2025-01-01', to: '2025-03-31' };
    expect(comparedRanges({ type: 'all', from: '2025-03-01', to: '2025-03-31' }, extent)).toEqual({
      current: { from: '2025-03-01', to: '2025-03-31' },
      previous: { from: '2025-01-29', to: '2025-02-28' },
    });
    // An open range is the data's extent.
    expect(comparedRanges({ type: 'all' }, extent)?.previous).toEqual({
      from: '2024-10-03',
      to: '2024-12-31',
    });
    expect(comparedRanges({ type: 'all' }, null)).toBeNull();
  });
});

describe("the session explorer's question", () => {
  it('round-trips and checks its parts', () => {
    const query = parseSessionQuery(
      new URLSearchParams('type=video&q=paris&sort=watch&dir=asc&page=2'),
    );
    expect(query).toEqual({
      filter: { type: 'video' },
      q: 'paris',
      sort: 'watch',
      dir: 'asc',
      page: 2,
    });
    expect(parseSessionQuery(new URLSearchParams(sessionQueryString(query)))).toEqual(query);
    expect(parseSessionQuery(new URLSearchParams(''))).toEqual({
      filter: { type: 'all' },
      sort: 'time',
      dir: 'desc',
      page: 0,
    });
    for (const bad of ['sort=title', 'dir=up', 'page=-1', 'page=1.5', `q=${'x'.repeat(101)}`]) {
      expect(() => parseSessionQuery(new URLSearchParams(bad)), bad).toThrow(FilterError);
    }
  });
});

describe('one list of what the page shows', () => {
  it('draws every chart query, and names each card once', () => {
    const drawn = new Set(CARDS.flatMap((c) => (c.data ? [c.data] : [])));
    // The headline figures draw `totals` (and the country count from `countries`).
    drawn.add('totals');
    expect(CHARTS.map((c) => c.id).filter((id) => !drawn.has(id))).toEqual([]);
    for (const card of CARDS) {
      if (card.data)
        expect(
          CHARTS.some((c) => c.id === card.data),
          card.id,
        ).toBe(true);
    }
    expect(new Set(CARDS.map((c) => c.id)).size).toBe(CARDS.length);
    expect(PAGE.at(-1)!.title).toMatch(/30 days the API keeps, plus what earlier syncs stored/);
  });

  it('keeps Node out of the code the browser runs', () => {
    const root = join(import.meta.dirname, '../../src/dashboard');
    for (const dir of ['shared', 'client', 'client/charts']) {
      for (const name of readdirSync(join(root, dir)).filter((n) => n.endsWith('.ts'))) {
        const text = readFileSync(join(root, dir, name), 'utf8');
        expect(text, `${dir}/${name}`).not.toMatch(/from ['"]node:/);
      }
    }
  });
});
