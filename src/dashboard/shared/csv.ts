/**
 * Tables as CSV (RFC 4180: comma, CRLF, quotes doubled), safe to open in a spreadsheet: a cell
 * that starts with = + - @ (or a tab or carriage return) would be read as a formula — a title can
 * be anything — so it gets a leading `'`, which spreadsheets show as text. Numbers are written as
 * numbers (a negative number is data, not a formula). Bundled into the browser: no Node.
 */
export type Cell = string | number | boolean | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
