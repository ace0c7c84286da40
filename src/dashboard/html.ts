/**
 * The two HTML documents: serve's shell (the app comes from /app.js, data from /api) and the
 * report (app, styles and data all inline). Data only ever enters a page as JSON inside a
 * non-executing <script type="application/json">, escaped so that no value can close the tag;
 * the browser code then shows every value as text.
 */
import { createHash } from 'node:crypto';

/** serve: nothing but its own origin; no inline script (Plot needs inline styles). */
export const SERVE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The report may run its one script (by hash) and nothing may leave the page. */
export function reportCsp(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src '${scriptHash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside <script type="application/json">: `<` (and `>`, `&`) as \u escapes,
 * so a title like `</script><script>…` stays a string; JSON.parse reads them back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript made safe to inline in <script>: the bundle's strings and regexps may hold
 * `</script` or `<!--`, which would end or confuse the element. `<\/` means the same in JS.
 */
export function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function sha256Source(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

const HEAD = `<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">`;

const LOADING = `<main id="app" aria-busy="true"><p class="vw-loading">Loading the dashboard…</p></main>`;

export function servePage(options: { pollMs: number }): string {
  return `<!doctype html>
<html lang="en">
<head>
${HEAD}
<title>viewership dashboard</title>
</head>
<body data-mode="serve" data-poll-ms="${Math.max(250, Math.round(options.pollMs))}">
${LOADING}
<script src="/app.js"></script>
</body>
</html>
`;
}

export interface ReportPage {
  html: string;
  csp: string;
  scriptHash: string;
}

export function reportPage(options: { title: string; app: string; data: unknown }): ReportPage {
  const script = scriptText(options.app);
  const scriptHash = sha256Source(script);
  const csp = reportCsp(scriptHash);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
${HEAD}
<title>${escapeHtml(options.title)}</title>
</head>
<body data-mode="report">
${LOADING}
<script type="application/json" id="viewership-data">${jsonForScript(options.data)}</script>
<script>${script}</script>
</body>
</html>
`;
  return { html, csp, scriptHash };
}
