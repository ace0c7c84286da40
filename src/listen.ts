/**
 * Starting an HTTP server (the emulator's, the dashboard's) on a host and port, with the usual
 * failures — port taken, address not ours, port privileged — as usage errors naming the fix.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from './errors.js';

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new UsageError(
      `port ${port} on ${host} is already in use`,
      'Pick another with --port (0 = any free port).',
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new UsageError(
      `cannot listen on ${host}`,
      'Give --host an address of this machine, e.g. 127.0.0.1.',
    );
  }
  if (code === 'EACCES') {
    return new UsageError(
      `not allowed to listen on port ${port}`,
      'Pick a port above 1023 with --port.',
    );
  }
  return error as Error;
}

/** Listens and resolves with the URL the server answers on (the real port when 0 was asked). */
export async function listen(
  server: Server,
  port: number,
  host: string,
): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => reject(listenError(error, host, port));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, port: address.port };
}
