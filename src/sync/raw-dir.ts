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

interface Output {
  stream: WriteStream;
  /** While the stream's buffer is full: resolves on its next 'drain' (one listener for all writers). */
  drained: Promise<void> | undefined;
}

export class RawDir {
  private readonly outputs = new Map<string, Output>();
  private readonly started = new Set<string>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private output(file: string): Output {
    let output = this.outputs.get(file);
    if (!output) {
      output = {
        stream: createWriteStream(join(this.dir, file), { flags: 'w' }),
        drained: undefined,
      };
      this.outputs.set(file, output);
    }
    return output;
  }

  private async write(file: string, text: string): Promise<void> {
    const output = this.output(file);
    while (output.drained) await output.drained;
    if (!output.stream.write(text)) {
      output.drained = once(output.stream, 'drain').then(() => {
        output.drained = undefined;
      });
      await output.drained;
    }
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
    this.output(`${listing}.json`);
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
    for (const [file, { stream }] of this.outputs) {
      if (file.endsWith('.json')) stream.write(this.started.has(file) ? '\n]\n' : '[]\n');
      stream.end();
      await once(stream, 'finish');
    }
    this.outputs.clear();
  }
}
