/**
 * The emulator on a real socket: `node:http`, bound to 127.0.0.1 unless told otherwise.
 */
import { createServer } from 'node:http';
import { listen } from '../listen.js';
import { createEmulator, type Emulator } from './emulator.js';
import type { EmulatorOptions } from './options.js';

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  apiKey: string;
  emulator: Emulator;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export async function startEmulator(
  options: EmulatorOptions & ServeOptions = {},
): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const emulator = createEmulator(rest);
  const server = createServer((req, res) => emulator.handle(req, res));
  // Clients keep connections open between requests; do not cut them sooner than they expect.
  server.keepAliveTimeout = 10_000;
  const { url } = await listen(server, port, host).catch((error: unknown) => {
    emulator.dispose();
    throw error;
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    apiKey: emulator.apiKey,
    emulator,
    close() {
      closing ??= new Promise<void>((resolve) => {
        emulator.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
