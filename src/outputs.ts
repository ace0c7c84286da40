/**
 * Writing what the user named as an output, and nothing else.
 *
 * - The warehouse is never an output: the same path, a symlink to it or a hard link of it is
 *   refused before anything is written.
 * - An output file is written beside its final name and renamed over it once complete, so a
 *   failure (full disk, Ctrl-C) leaves the previous file as it was, never half a file.
 * - A partitioned export owns only the partitions it wrote: a manifest in the folder lists them;
 *   the next export replaces those and leaves everything else alone. A folder holding anything
 *   else is refused.
 * - `-` means standard output.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

export const STDOUT = '-';

/** The files a warehouse is made of: the file and its write-ahead log. */
const warehouseFiles = (db: string) => [db, `${db}.wal`];

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** Refuses `out` when it is the warehouse (or its WAL) by path, symlink or hard link. */
export function assertNotWarehouse(out: string, db: string, flag = '--out'): void {
  if (out === STDOUT || /^postgres(ql)?:\/\//i.test(db)) return;
  for (const file of warehouseFiles(db)) {
    const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
    if (real(out) === real(file) || (existsSync(out) && existsSync(file) && sameFile(out, file))) {
      throw new UsageError(
        `${flag} ${out} is the warehouse${file === db ? '' : "'s log"} itself: it would be overwritten`,
        `Write the output to another file; nothing was changed.`,
      );
    }
  }
}

/** A name beside `path` for writing before the rename. */
function temporaryBeside(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Produces `path` through `write`, which writes to the temporary file it is given; the result
 * replaces `path` only once complete. With `-`, the complete result goes to stdout.
 */
export async function writeOutput(
  path: string,
  write: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary =
    path === STDOUT
      ? join(tmpFolder(), `out-${randomBytes(4).toString('hex')}`)
      : temporaryBeside(path);
  try {
    await write(temporary);
    if (path === STDOUT) {
      const stream = createReadStream(temporary);
      stream.pipe(process.stdout, { end: false });
      await once(stream, 'end');
    } else {
      renameSync(temporary, path);
    }
  } finally {
    rmSync(temporary, { force: true, recursive: true });
  }
}

/** `writeOutput` for content already in memory. */
export function writeTextOutput(path: string, content: string): Promise<void> {
  return writeOutput(path, async (temporary) => writeFileSync(temporary, content));
}

function tmpFolder(): string {
  const dir = join(process.env.TMPDIR ?? '/tmp', 'viewership-out');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const MANIFEST = '.viewership-export.json';

interface Manifest {
  table: string;
  partitions: string[];
}

/** The partitions a previous export wrote into `dir`, or why `dir` cannot take an export. */
function ownedPartitions(dir: string): Set<string> {
  if (!existsSync(dir)) return new Set();
  const entries = readdirSync(dir);
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) {
    if (entries.length === 0) return new Set();
    throw new UsageError(
      `--out ${dir} is a folder that holds other files`,
      'A partitioned export writes into a new or empty folder (or one it wrote before); give another --out.',
    );
  }
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
    return new Set(parsed.partitions.filter((p) => /^[a-z_]+=[^/\\]+$/.test(p)));
  } catch {
    throw new UsageError(
      `--out ${dir} has an unreadable ${MANIFEST}`,
      'Give a new or empty folder as --out.',
    );
  }
}

/**
 * Writes a partitioned dataset into `dir`: `write` fills a fresh folder beside it, then each
 * partition it made replaces the one of the same name a previous export wrote. Partitions of a
 * previous export that this one no longer has are removed; nothing else in `dir` is touched.
 */
export async function writePartitions(
  dir: string,
  table: string,
  write: (folder: string) => Promise<void>,
): Promise<string[]> {
  const owned = ownedPartitions(dir);
  const staging = temporaryBeside(dir);
  try {
    await write(staging);
    const made = existsSync(staging) ? readdirSync(staging) : [];
    for (const name of made) {
      if (existsSync(join(dir, name)) && !owned.has(name)) {
        throw new UsageError(
          `--out ${dir} already holds ${name}, which viewership did not write`,
          'Give a new or empty folder as --out.',
        );
      }
    }
    mkdirSync(dir, { recursive: true });
    for (const name of owned)
      if (!made.includes(name)) rmSync(join(dir, name), { recursive: true, force: true });
    for (const name of made) {
      rmSync(join(dir, name), { recursive: true, force: true });
      renameSync(join(staging, name), join(dir, name));
    }
    writeFileSync(join(dir, MANIFEST), `${JSON.stringify({ table, partitions: made }, null, 2)}\n`);
    return made;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
