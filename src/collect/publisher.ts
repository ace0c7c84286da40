/**
 * The publisher: sealed journal segments → the warehouse, then the segments are deleted.
 *
 * DuckDB admits one writing process, and `sync`, `query`, `serve` and `report` must go on working
 * on a warehouse being collected into. So the collector never keeps a DuckDB warehouse open: every
 * few seconds the publisher opens it for writing, merges what the journal holds in a few
 * transactions of bounded size, and closes it — a matter of a fraction of a second. While another
 * process holds it (a sync), opening fails at once, and the pings simply wait in the journal for
 * the next round. A PostgreSQL store admits many writers: it is opened once and kept.
 *
 * A segment is deleted only after the commit holding its lines; a crash in between merges it
 * again, which changes nothing (see COLLECTED_INTO in warehouse/destination.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { WarehouseLockedError } from '../warehouse/connection.js';
import type { Destination } from '../warehouse/destination.js';
import { openDestination } from '../warehouse/open.js';
import { listSegments, readSegment, segmentName } from './journal.js';
import { collectedBatch, type JournalLine } from './record.js';

export interface PublishResult {
  /** `busy`: another process holds the warehouse; nothing was merged. */
  status: 'published' | 'idle' | 'busy';
  segments: number;
  pings: number;
  events: number;
  /** Rows new to sessions and session_events. */
  sessionsAdded: number;
  eventsAdded: number;
  /** Lines cut short by a crash (never acknowledged), skipped. */
  skippedLines: number;
  /** Segments still waiting (after this round). */
  backlog: number;
  ms: number;
  /** Schema steps applied when the warehouse was first opened. */
  migrated: string[];
}

export interface PublisherOptions {
  db: string;
  /** PostgreSQL: the schema of the contract's tables. */
  schema?: string;
  journal: string;
  /** Lines per transaction, at most (whole segments: a big one goes alone). */
  maxLinesPerCommit?: number;
  /** How long to wait for a warehouse another process holds, per round. */
  lockWaitMs?: number;
}

export class Publisher {
  private kept: Destination | undefined;
  private prepared = false;

  constructor(private readonly options: PublisherOptions) {}

  /** Merges every segment numbered below `before` (the one being written); never throws `busy`. */
  async publish(before: number): Promise<PublishResult> {
    const started = Date.now();
    const result: PublishResult = {
      status: 'idle',
      segments: 0,
      pings: 0,
      events: 0,
      sessionsAdded: 0,
      eventsAdded: 0,
      skippedLines: 0,
      backlog: 0,
      ms: 0,
      migrated: [],
    };
    const dir = this.options.journal;
    const segments = listSegments(dir).filter((n) => n < before);
    // The first round opens the warehouse even with nothing to merge: a wrong --db (someone
    // else's database, a newer schema) is said at the start, a new one is created.
    if (segments.length === 0 && this.prepared) return result;
    let destination: Destination;
    try {
      destination =
        this.kept ??
        (await openDestination(this.options.db, {
          lockWaitMs: this.options.lockWaitMs ?? 250,
          syncLock: false,
          ...(this.options.schema !== undefined && { schema: this.options.schema }),
        }));
    } catch (error) {
      if (!(error instanceof WarehouseLockedError)) throw error;
      result.status = 'busy';
      result.backlog = segments.length;
      result.ms = Date.now() - started;
      return result;
    }
    try {
      if (!this.prepared) {
        result.migrated = await destination.prepare();
        this.prepared = true;
      }
      const max = this.options.maxLinesPerCommit ?? 20_000;
      let group: number[] = [];
      let lines: JournalLine[] = [];
      const commit = async () => {
        if (group.length === 0) return;
        const collected = collectedBatch(lines);
        const added = await destination.commit(collected.batch);
        for (const n of group) rmSync(join(dir, segmentName(n)), { force: true });
        result.segments += group.length;
        result.pings += collected.pings;
        result.events += collected.events;
        result.sessionsAdded += added.sessions ?? 0;
        result.eventsAdded += added.session_events ?? 0;
        group = [];
        lines = [];
      };
      for (const n of segments) {
        const { records, skipped } = readSegment<JournalLine>(dir, n);
        result.skippedLines += skipped;
        if (lines.length > 0 && lines.length + records.length > max) await commit();
        group.push(n);
        for (const r of records) lines.push(r);
      }
      await commit();
      result.status = segments.length > 0 ? 'published' : 'idle';
    } finally {
      if (destination.kind === 'postgres') this.kept = destination;
      else await destination.close();
    }
    result.ms = Date.now() - started;
    return result;
  }

  async close(): Promise<void> {
    await this.kept?.close();
    this.kept = undefined;
  }
}
