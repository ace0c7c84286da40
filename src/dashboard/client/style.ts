/** The page's styles, injected as one <style> element (serve's CSP allows inline styles, not scripts). */
const CSS = `
:root { --bg: #f5f6f8; --card: #fff; --ink: #1d2330; --muted: #667085; --line: #e4e7ec;
  --accent: #3867d6; --radius: 10px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
#app { max-width: 1400px; margin: 0 auto; padding: 20px 24px 48px; }
.vw-loading, .vw-empty p { color: var(--muted); }
header.vw-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 20px; margin-bottom: 12px; }
header.vw-top h1 { font-size: 20px; margin: 0; letter-spacing: -0.01em; }
header.vw-top .vw-status { color: var(--muted); font-size: 13px; }
.vw-filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; background: var(--card);
  border: 1px solid var(--line); border-radius: var(--radius); padding: 12px 14px; margin-bottom: 16px; }
.vw-filters label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
.vw-filters input, .vw-filters select { font: inherit; font-size: 14px; color: var(--ink); padding: 5px 8px;
  border: 1px solid var(--line); border-radius: 6px; background: #fff; min-height: 32px; }
.vw-filters select.vw-asset { max-width: 360px; }
.vw-filters .vw-note { font-size: 12px; color: var(--muted); align-self: center; }
.vw-banner { background: #fff7e6; border: 1px solid #f5d48f; border-radius: var(--radius); padding: 10px 14px;
  margin-bottom: 16px; font-size: 14px; }
.vw-stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 16px; }
.vw-stat { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px 14px; }
.vw-stat .vw-value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.vw-stat .vw-label { font-size: 12px; color: var(--muted); margin-top: 2px; }
/* Cards grow to fill their row: a row of two (or a last card alone) leaves no hole. */
.vw-grid { display: flex; flex-wrap: wrap; gap: 16px; }
.vw-card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 16px;
  min-width: 0; flex: 1 1 440px; }
.vw-card.vw-wide { flex-basis: 100%; }
.vw-card h3 { font-size: 13px; margin: 16px 0 6px; }
.vw-headline { margin-bottom: 8px; }
.vw-headline .vw-stats { margin-bottom: 4px; }
.vw-period { font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.vw-compare { font-size: 12px; color: var(--muted); margin-top: 4px; }
.vw-compare .vw-delta { font-weight: 600; }
.vw-up .vw-delta { color: #1e8e5a; }
.vw-down .vw-delta { color: #c0392b; }
details.vw-data { margin-top: 8px; font-size: 13px; }
details.vw-data summary { cursor: pointer; color: var(--accent); }
.vw-data-bar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; justify-content: space-between; margin: 6px 0; }
.vw-data-bar input[type=search] { flex: 1 1 280px; font: inherit; font-size: 14px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; }
.vw-button { font: inherit; font-size: 13px; color: var(--accent); background: #fff; border: 1px solid var(--line);
  border-radius: 6px; padding: 4px 10px; cursor: pointer; text-decoration: none; }
.vw-button:disabled { color: var(--muted); cursor: default; }
.vw-pager { display: flex; gap: 8px; justify-content: flex-end; margin-top: 8px; }
.vw-scroll { overflow-x: auto; }
.vw-note-box { font-size: 12px; color: var(--muted); background: #f8f9fb; border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.vw-facts { font-size: 13px; margin: 0 0 10px; flex: 1 1 auto; }
.vw-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
button.vw-sort { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort=ascending] button.vw-sort, th[aria-sort=descending] button.vw-sort { color: var(--ink); font-weight: 600; }
.vw-link { cursor: pointer; }
.vw-link:hover, .vw-link:focus { opacity: 0.8; outline: 2px solid var(--ink); }
table.vw-table a { color: var(--accent); }
table.vw-sessions td { overflow-wrap: normal; white-space: nowrap; }
table.vw-sessions td:nth-child(3) { white-space: normal; min-width: 220px; }
table.vw-sessions td:nth-child(5) { white-space: normal; min-width: 100px; }
.vw-card h2 { font-size: 15px; margin: 0 0 2px; }
.vw-card .vw-sub { font-size: 12px; color: var(--muted); margin: 0 0 10px; }
.vw-card .vw-plot { min-height: 40px; }
.vw-card .vw-none { color: var(--muted); font-size: 14px; padding: 24px 0; text-align: center; }
.vw-section { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 28px 0 10px; }
.vw-map { display: grid; grid-template-columns: minmax(0, 3fr) minmax(200px, 1fr); gap: 16px; align-items: start; }
@media (max-width: 760px) { .vw-map { grid-template-columns: 1fr; } #app { padding: 12px; } }
.vw-map svg { width: 100%; height: auto; display: block; }
.vw-map path.vw-country { stroke: #fff; stroke-width: 0.5; }
.vw-map path.vw-country:hover { stroke: var(--ink); stroke-width: 1; }
table.vw-table { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
table.vw-table th { text-align: left; font-weight: 500; color: var(--muted); border-bottom: 1px solid var(--line); padding: 4px 6px; }
table.vw-table td { padding: 4px 6px; border-bottom: 1px solid #f0f2f5; overflow-wrap: anywhere; }
table.vw-table td.vw-num, table.vw-table th.vw-num { text-align: right; white-space: nowrap; }
.vw-empty { background: var(--card); border: 1px dashed var(--line); border-radius: var(--radius); padding: 40px 24px;
  text-align: center; }
.vw-empty h2 { margin: 0 0 8px; font-size: 18px; }
.vw-empty code { background: #f0f2f5; padding: 2px 6px; border-radius: 4px; }
figure { margin: 0; }
`;

export function injectStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
}
