import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../src/dashboard/bundle.js';
import {
  escapeHtml,
  jsonForScript,
  reportPage,
  scriptText,
  servePage,
} from '../../src/dashboard/html.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</script><script>window.__xss=1</script>',
  '<!-- <script>',
  '"\'&<>\u2028\u2029',
];

/** Namespace names inside d3 and Plot: identifiers, never fetched. */
const NAMESPACES = new Set([
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/2000/xmlns/',
  'http://www.w3.org/XML/1998/namespace',
]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('escaping data on its way into HTML', () => {
  it('keeps every hostile string inside its JSON script element', () => {
    for (const text of HOSTILE) {
      const json = jsonForScript({ title: text });
      expect(json).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(json)).toEqual({ title: text });
    }
  });

  it('escapes text for HTML', () => {
    expect(escapeHtml('<img src=x onerror="a">&\'')).toBe(
      '&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;',
    );
  });

  it('inlines JavaScript that holds </script> or <!-- without ending the element', () => {
    const js = 'var a = "</script><script>alert(1)</script>"; var b = /<!--/;';
    const safe = scriptText(js);
    expect(safe).not.toMatch(/<\/script/i);
    expect(safe).not.toContain('<!--');
    // The escaped forms mean the same to JavaScript.
    expect(new Function(`${safe}; return [a, b.test('<!--')];`)()).toEqual([
      '</script><script>alert(1)</script>',
      true,
    ]);
  });

  it('builds a report whose only elements are the ones it means, whatever the data', () => {
    const { html } = reportPage({
      title: HOSTILE[0]!,
      app: 'console.log("</script>")',
      data: { strings: HOSTILE },
    });
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).toContain('<title>&lt;img src=x onerror=alert(1)&gt;</title>');
  });
});

describe('the report file', () => {
  const app = readBundle();
  const { html, csp, scriptHash } = reportPage({
    title: 'viewership report',
    app,
    data: { strings: ['https://google.com', 'http://example.com/x'] },
  });
  const withoutData = html.replace(
    /<script type="application\/json" id="viewership-data">[\s\S]*?<\/script>/,
    '',
  );

  it('references no URL outside its data (namespace names aside)', () => {
    const urls = withoutData.match(/https?:\/\/[^\s"'`)<>\\]*/g) ?? [];
    expect(urls.filter((u) => !NAMESPACES.has(u))).toEqual([]);
    expect(withoutData).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(withoutData).not.toMatch(/<script[^>]*\ssrc=/i);
  });

  it('forbids every request in its CSP and allows only its own script, by hash', () => {
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    expect(meta).not.toBeNull();
    expect(meta![1]!.replace(/&#39;/g, "'")).toBe(csp);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/connect-src|'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    const inline = /<script>([\s\S]*)<\/script>/.exec(withoutData)![1]!;
    const hash = `sha256-${createHash('sha256').update(inline).digest('base64')}`;
    expect(scriptHash).toBe(hash);
    expect(csp).toContain(`script-src '${hash}'`);
    // The CSP comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});

describe('serve and the client', () => {
  it("serve's page loads its script from /app.js and inlines none", () => {
    const page = servePage({ pollMs: 5000 });
    expect(page).toContain('<script src="/app.js"></script>');
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('the browser code never parses HTML from strings', () => {
    const files = filesUnder(join(import.meta.dirname, '../../src/dashboard/client'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|\beval\(|new Function/,
      );
    }
  });
});
