/**
 * The demo's "site": a page on its own origin with a real video and the player analytics module
 * (bundled into dist/collect-demo/ by scripts/build.mjs, nothing from a CDN), pinging a collector.
 */
import { existsSync, readFileSync, statSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ViewershipError } from '../errors.js';
import { listen } from '../listen.js';

export interface DemoSiteOptions {
  /** The collector's base URL: the page pings `${collector}/vod`. */
  collector: string;
  videoId: string;
  host?: string;
  port?: number;
}

export interface DemoSite {
  url: string;
  close(): Promise<void>;
}

/** The built page: beside this code in dist/, one folder up from a chunk, or dist/ seen from src/collect/. */
function builtDir(): string {
  const candidates = ['./collect-demo/', '../collect-demo/', '../../dist/collect-demo/'].map(
    (path) => new URL(path, import.meta.url),
  );
  const found = candidates.find((url) => existsSync(new URL('page.js', url)));
  if (!found) {
    throw new ViewershipError('the demo page is not built', {
      kind: 'usage',
      hint: 'Run `npm run build`.',
    });
  }
  return fileURLToPath(found);
}

const escapeJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

export async function startDemoSite(options: DemoSiteOptions): Promise<DemoSite> {
  const dir = builtDir();
  const pingUrl = `${options.collector.replace(/\/$/, '')}/vod`;
  const html = readFileSync(`${dir}index.html`, 'utf8')
    .replace('__CONFIG__', escapeJson({ pingUrl, videoId: options.videoId }))
    .replace('<code id="ping-url"></code>', `<code id="ping-url">${pingUrl}</code>`);
  const page = readFileSync(`${dir}page.js`);
  const videoPath = `${dir}demo.webm`;
  const videoSize = statSync(videoPath).size;
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'unsafe-inline'",
    "media-src 'self'",
    `connect-src ${new URL(options.collector).origin}`,
  ].join('; ');

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
    } else if (path === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : page);
    } else if (path === '/demo.webm') {
      // Ranges, so that the player can seek anywhere.
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      let start = 0;
      let end = videoSize - 1;
      if (range && (range[1] || range[2])) {
        start = range[1] ? Number(range[1]) : videoSize - Number(range[2]);
        end = range[1] && range[2] ? Math.min(Number(range[2]), videoSize - 1) : videoSize - 1;
        if (start > end || start >= videoSize) {
          res.writeHead(416, { 'Content-Range': `bytes */${videoSize}` }).end();
          return;
        }
      }
      res.writeHead(range ? 206 : 200, {
        'Content-Type': 'video/webm',
        'Accept-Ranges': 'bytes',
        'Content-Length': end - start + 1,
        ...(range && { 'Content-Range': `bytes ${start}-${end}/${videoSize}` }),
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(videoPath, { start, end }).pipe(res);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  };

  const server = createServer(handle);
  const { url } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
