/**
 * Tables: every chart's data as a table (its accessible twin), and a CSV download of any table.
 * Cells hold raw values; `format` says how the page shows them. The CSV keeps numbers raw (a
 * spreadsheet computes with seconds, not "3 min 5 s") and text as shown (a weekday, not its index).
 */
import { toCsv, type Cell } from '../shared/csv.js';
import { h } from './dom.js';

export interface Column {
  label: string;
  numeric?: boolean;
  format?: (value: Cell) => string;
  /** A link for the cell (e.g. to the view of that asset); the text stays the formatted value. */
  link?: (row: Cell[]) => { href: string; onClick: () => void } | undefined;
}

export interface TableModel {
  columns: Column[];
  rows: Cell[][];
}

const shown = (column: Column, value: Cell) =>
  column.format ? column.format(value) : value === null || value === undefined ? '' : String(value);

export function tableElement(model: TableModel, caption?: string): HTMLTableElement {
  return h(
    'table',
    { className: 'vw-table' },
    caption ? h('caption', { className: 'vw-sr' }, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...model.columns.map((c) =>
          h('th', { className: c.numeric ? 'vw-num' : '', attrs: { scope: 'col' } }, c.label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...model.rows.map((row) =>
        h(
          'tr',
          {},
          ...model.columns.map((c, i) => {
            const text = shown(c, row[i]);
            const link = c.link?.(row);
            const content = link
              ? h(
                  'a',
                  {
                    attrs: { href: link.href },
                    on: {
                      click: (e) => {
                        const m = e as MouseEvent;
                        if (m.ctrlKey || m.metaKey || m.shiftKey || m.button !== 0) return;
                        e.preventDefault();
                        link.onClick();
                      },
                    },
                  },
                  text,
                )
              : text;
            return h('td', { className: c.numeric ? 'vw-num' : '' }, content);
          }),
        ),
      ),
    ),
  );
}

/** Saves `csv` as a file: a Blob URL, so it works offline and under the report's CSP. */
export function download(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { attrs: { href: url, download: filename } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function csvButton(filename: string, model: () => TableModel): HTMLButtonElement {
  return h(
    'button',
    {
      className: 'vw-button vw-csv',
      attrs: { type: 'button', 'aria-label': `Download ${filename}` },
      on: {
        click: () => {
          const m = model();
          const cells = m.rows.map((row) =>
            m.columns.map((c, i) => (c.numeric || !c.format ? row[i] : c.format(row[i]))),
          );
          download(
            filename,
            toCsv(
              m.columns.map((c) => c.label),
              cells,
            ),
          );
        },
      },
    },
    'Download CSV',
  );
}

/** A chart's data, folded under the chart: the table, and its CSV. */
export function dataDetails(title: string, filename: string, model: TableModel): HTMLElement {
  return h(
    'details',
    { className: 'vw-data' },
    h('summary', {}, `${title}: data table`),
    h(
      'div',
      { className: 'vw-data-bar' },
      csvButton(filename, () => model),
    ),
    tableElement(model, title),
  );
}
