/**
 * The collector's journal: where an accepted ping becomes durable before it is answered.
 *
 * A folder of numbered segments (`000000000001.ndjson`, …), each a file of JSON lines appended
 * and never rewritten. Pings are written in groups: every ping that arrives while one group is
 * being written and fdatasync'd waits for the next, so one disk flush acknowledges many pings and
 * a ping is answered only once its line is on disk. `kill -9` at any moment therefore loses only
 * pings not yet answered; a line cut short by it is unanswered and skipped by the reader.
 *
 * The publisher takes sealed segments (every one but the segment being written), merges them into
 * the warehouse and deletes them. A segment is self-contained: the first line of each session in
 * it carries the session's row, so merging any segment alone, again, or in any order is complete.
 *
 * One collector per folder: a LOCK file holds its PID.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { SessionInfo } from './record.js';

const SEGMENT = /^(\d{12})\.ndjson$/;

export const segmentName = (n: number) => `${String(n).padStart(12, '0')}.ndjson`;

/** Segment numbers in a journal folder, ascending. */
export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** A segment's complete lines, parsed; a line cut short or unreadable is skipped and counted. */
export function readSegment<T>(dir: string, n: number): { records: T[]; skipped: number } {
  const text = readFileSync(join(dir, segmentName(n)), 'utf8');
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a line a crash cut short (never answered)
  const records: T[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface Entry {
  sid: string;
  /** When the ping was received (ms). */
  receivedAt: number;
  /** The session's row, asked for only if the segment does not have it yet. */
  session: () => SessionInfo;
  /** The events as sent. */
  events: Record<string, unknown>[];
}

interface Waiter {
  entry: Entry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Segment {
  n: number;
  file: FileHandle;
  bytes: number;
  lines: number;
  /** Sessions whose row this segment already carries. */
  sessions: Set<string>;
}

export interface JournalOptions {
  /** A segment is sealed once this large, whatever the publisher's pace. */
  maxSegmentBytes?: number;
}

export class Journal {
  private segment!: Segment;
  private pending: Waiter[] = [];
  private flushQueued = false;
  /** File operations, one at a time: writes, flushes and segment changes never interleave. */
  private chain: Promise<void> = Promise.resolve();
  /** A write failed: what it half wrote must not run into the next line, so change segment. */
  private broken = false;
  private closed = false;
  private readonly maxSegmentBytes: number;
  /** Pings made durable since the start. */
  durable = 0;

  private constructor(
    readonly dir: string,
    options: JournalOptions,
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 16 * 1024 * 1024;
  }

  static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `cannot create the journal folder ${dir}: ${(error as Error).message}`,
        'Give --journal a folder this user can write.',
      );
    }
    takeLock(dir);
    const journal = new Journal(dir, options);
    const last = listSegments(dir).at(-1) ?? 0;
    journal.segment = await journal.create(last + 1);
    return journal;
  }

  /** The segment being written: every lower-numbered one is sealed. */
  get active(): number {
    return this.segment.n;
  }

  /** Resolves once the entry's line is on disk. */
  append(entry: Entry): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the journal is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        this.enqueue(() => this.flush());
      }
    });
  }

  /** Whether a ping of this session with no events would add nothing the journal does not have. */
  knows(sid: string): boolean {
    return this.segment.sessions.has(sid);
  }

  /**
   * Seals the segment being written (if it holds anything) once every ping appended before this
   * call is on disk; resolves with the number of the first segment not sealed.
   */
  seal(): Promise<number> {
    return this.enqueue(async () => {
      if (this.segment.lines > 0 || this.broken) await this.rotate();
    }).then(() => this.segment.n);
  }

  /** Writes what is pending, seals the last segment, and lets go of the folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.seal();
    this.closed = true;
    await this.enqueue(async () => {
      await this.segment.file.close();
      // The segment left is empty: nothing to publish.
      await rm(join(this.dir, segmentName(this.segment.n)), { force: true });
    });
    await rm(join(this.dir, 'LOCK'), { force: true });
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async flush(): Promise<void> {
    this.flushQueued = false;
    const waiters = this.pending;
    this.pending = [];
    if (waiters.length === 0) return;
    try {
      if (this.broken) await this.rotate();
      const segment = this.segment;
      let text = '';
      for (const { entry } of waiters) {
        const line: Record<string, unknown> = { sid: entry.sid, rt: entry.receivedAt };
        if (!segment.sessions.has(entry.sid)) {
          line.s = entry.session();
          segment.sessions.add(entry.sid);
        }
        line.e = entry.events;
        text += `${JSON.stringify(line)}\n`;
      }
      const buffer = Buffer.from(text);
      let written = 0;
      while (written < buffer.length) {
        const { bytesWritten } = await segment.file.write(buffer, written);
        written += bytesWritten;
      }
      await segment.file.datasync();
      segment.bytes += buffer.length;
      segment.lines += waiters.length;
      this.durable += waiters.length;
      for (const w of waiters) w.resolve();
      if (segment.bytes >= this.maxSegmentBytes) await this.rotate();
    } catch (error) {
      this.broken = true;
      for (const w of waiters) w.reject(error);
    }
  }

  private async rotate(): Promise<void> {
    const old = this.segment;
    await old.file.close().catch(() => undefined);
    this.segment = await this.create(old.n + 1);
    this.broken = false;
  }

  private async create(n: number): Promise<Segment> {
    const file = await open(join(this.dir, segmentName(n)), 'wx');
    // The new name must survive a crash too, or its acknowledged lines would vanish with it.
    await fsyncDir(this.dir);
    return { n, file, bytes: 0, lines: 0, sessions: new Set() };
  }
}

function takeLock(dir: string): void {
  const lock = join(dir, 'LOCK');
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder)) {
    throw new UsageError(
      `the journal ${dir} is in use by another collector (PID ${holder})`,
      'Give each collector its own --journal folder.',
    );
  }
  // A LOCK left by a dead collector is taken over: its segments are published like any other.
  writeFileSync(lock, `${process.pid}\n`);
}
