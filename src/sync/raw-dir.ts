/**
 * `--raw-dir`: every response kept as the API sent it, as the tutorial did by hand.
 * `videos.json`, `live-streams.json` and `players.json` hold the whole listings as JSON arrays;
 * every other response is one line of an NDJSON file per kind, with where it came from.
 * Files are streamed, honouring backpressure, so a million events never sit in memory.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { RequestInfo } from '../api/schemas.js';

export type CatalogListing = 'videos' | 'live-streams' | 'players';
export type ResponseKind = 'sessions' | 'session-events' | 'metrics';

export class RawDir {
  private readonly streams = new Map<string, WriteStream>();
  private readonly started = new Set<string>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private stream(file: string): WriteStream {
    let stream = this.streams.get(file);
    if (!stream) {
      stream = createWriteStream(join(this.dir, file), { flags: 'w' });
      this.streams.set(file, stream);
    }
    return stream;
  }

  private async write(file: string, text: string): Promise<void> {
    const stream = this.stream(file);
    if (!stream.write(text)) await once(stream, 'drain');
  }

  /** Appends a page's items to a listing file (a JSON array closed by `close`). */
  async listingItems(listing: CatalogListing, items: unknown[]): Promise<void> {
    const file = `${listing}.json`;
    for (const item of items) {
      const prefix = this.started.has(file) ? ',\n' : '[\n';
      this.started.add(file);
      await this.write(file, prefix + JSON.stringify(item));
    }
  }

  /** An empty listing is still written, as `[]`. */
  touchListing(listing: CatalogListing): void {
    this.stream(`${listing}.json`);
  }

  async response(kind: ResponseKind, request: RequestInfo, body: unknown): Promise<void> {
    const line = {
      endpoint: request.endpoint,
      path: request.path,
      query: request.query,
      fetchedAt: new Date().toISOString(),
      body,
    };
    await this.write(`${kind}.ndjson`, `${JSON.stringify(line)}\n`);
  }

  async close(): Promise<void> {
    for (const [file, stream] of this.streams) {
      if (file.endsWith('.json')) stream.write(this.started.has(file) ? '\n]\n' : '[]\n');
      stream.end();
      await once(stream, 'finish');
    }
    this.streams.clear();
  }
}
