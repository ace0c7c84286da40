/**
 * Where the dashboard's browser bundle is: beside the built CLI (dist/cli.js → dist/dashboard/),
 * or, when running from the sources (tests, tsx), in the repository's dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ViewershipError } from '../errors.js';

const CANDIDATES = ['./dashboard/app.js', '../../dist/dashboard/app.js'];

export function bundlePath(): string {
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new ViewershipError('the dashboard bundle (dist/dashboard/app.js) is missing', {
    hint: 'Build it with: npm run build',
  });
}

export function readBundle(): string {
  return readFileSync(bundlePath(), 'utf8');
}
