/**
 * The docs' examples, run or checked as written (test/helpers/docs.ts says which):
 * - scheduling: the cron lines, the systemd units and the GitHub Actions workflows parse, and
 *   every viewership flag they use exists;
 * - reading: the SQL for Metabase and Grafana, the privileges, the Python scripts and the Jupyter
 *   notebook run against the demo account synced into PostgreSQL (and a DuckDB file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { connect, type PgConnection } from '../../src/warehouse/postgres/connection.js';
import { pgTarget } from '../../src/warehouse/postgres/target.js';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { PG_URL, warehouse } from '../helpers/destinations.js';
import {
  DOCS,
  examples,
  validCronSchedule,
  viewershipCommands,
  type DocExample,
} from '../helpers/docs.js';

const dir = tempDir();
const ROOT = join(import.meta.dirname, '../..');

function helpOf(command: string): string {
  return execFileSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8' });
}

describe('scheduling (docs/scheduling.md)', () => {
  const docs = examples('scheduling.md');

  it('documents every viewership flag it uses, in every doc', () => {
    const help = new Map<string, string>();
    for (const file of ['scheduling.md', 'reading.md', 'postgres.md']) {
      for (const { command, flags } of viewershipCommands(readFileSync(join(DOCS, file), 'utf8'))) {
        if (!help.has(command)) help.set(command, helpOf(command));
        for (const flag of flags) {
          expect(help.get(command), `${file}: viewership ${command} ${flag}`).toContain(`${flag} `);
        }
      }
    }
    expect(help.size).toBeGreaterThanOrEqual(4);
  });

  it('cron lines: a valid schedule and a command the shell parses', () => {
    const crons = docs.filter((d) => d.lang === 'cron');
    expect(crons.length).toBeGreaterThanOrEqual(2);
    for (const block of crons) {
      const entries = block.code
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#') && !/^[A-Z_]+=/.test(l));
      expect(entries.length, `${block.file}:${block.line}`).toBeGreaterThan(0);
      for (const entry of entries) {
        const fields = entry.trim().split(/\s+/);
        expect(validCronSchedule(fields.slice(0, 5)), entry).toBe(true);
        const command = fields.slice(5).join(' ');
        const check = spawnSync('sh', ['-n', '-c', command]);
        expect(check.status, `${command}\n${check.stderr}`).toBe(0);
        expect(command).toMatch(/npx viewership sync --db \S+ --json/);
      }
    }
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze') && !existsSync('/bin/systemd-analyze'))(
    'systemd units: systemd-analyze verify finds nothing to say',
    () => {
      const units = docs.filter((d) => d.lang === 'ini');
      expect(units.map((u) => u.name).sort()).toEqual([
        'viewership-sync.service',
        'viewership-sync.timer',
      ]);
      const unitDir = join(dir, 'units');
      mkdirSync(unitDir, { recursive: true });
      for (const u of units) writeFileSync(join(unitDir, u.name!), u.code);
      const verify = spawnSync(
        'systemd-analyze',
        ['verify', ...units.map((u) => join(unitDir, u.name!))],
        { encoding: 'utf8' },
      );
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stderr.trim()).toBe('');
      const calendar = /OnCalendar=(.*)/.exec(units.find((u) => u.name!.endsWith('.timer'))!.code);
      const next = spawnSync('systemd-analyze', ['calendar', calendar![1]!], { encoding: 'utf8' });
      expect(next.status, next.stderr).toBe(0);
      expect(next.stdout).toMatch(/Next elapse:/);
    },
  );

  it('GitHub Actions workflows: valid YAML, a schedule, steps that parse, secrets for the key', () => {
    const workflows = docs.filter((d) => d.lang === 'yaml');
    expect(workflows.length).toBe(2);
    for (const w of workflows) {
      const doc = parseYaml(w.code) as {
        on: { schedule: Array<{ cron: string }> };
        concurrency: { group: string };
        jobs: Record<string, { steps: Array<{ uses?: string; run?: string; env?: object }> }>;
      };
      expect(validCronSchedule(doc.on.schedule[0]!.cron.split(' ')), w.name).toBe(true);
      expect(doc.concurrency.group).toBe('viewership-sync');
      const steps = Object.values(doc.jobs).flatMap((j) => j.steps);
      for (const step of steps) {
        expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).toBe(true);
        if (step.uses) expect(step.uses).toMatch(/^actions\/[a-z-]+(\/[a-z]+)?@v\d+$/);
        if (step.run) {
          const script = step.run.replace(/\$\{\{[^}]*\}\}/g, 'X');
          const check = spawnSync('bash', ['-n', '-c', script]);
          expect(check.status, `${step.run}\n${check.stderr}`).toBe(0);
        }
      }
      const sync = steps.find((s) => s.run?.includes('viewership sync'))!;
      expect(sync.env).toMatchObject({ APIVIDEO_API_KEY: '${{ secrets.APIVIDEO_API_KEY }}' });
      expect(sync.run).toMatch(/--json/);
    }
  });
});

/** Debian's Python, with what the examples import (not a pyenv or venv without them). */
const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) =>
    spawnSync(p, ['-c', 'import pandas, psycopg2, nbconvert, nbclient, ipykernel']).status === 0,
);

/** An example's SQL, on the test's schema, with Grafana's macros as plain SQL. */
function runnableSql(code: string, schema: string): string {
  return code
    .replace(/\bviewership\./g, `${schema}.`)
    .replace(/\bSCHEMA viewership\b/g, `SCHEMA ${schema}`)
    .replace(/\$__timeGroupAlias\((\w+), '1h'\)/g, `date_trunc('hour', $1) AS "time"`)
    .replace(/\$__timeFilter\((\w+)\)/g, `$1 BETWEEN '2000-01-01' AND '2100-01-01'`);
}

describe.skipIf(!PG_URL)('reading (docs/reading.md, docs/postgres.md) on the demo account', () => {
  let emulator: PinnedEmulator;
  const pg = warehouse(dir, 'demo', 'postgres');
  const schema = pg.schema!;
  let db: PgConnection;

  beforeAll(async () => {
    emulator = await pinnedEmulator({ preset: 'demo', seed: 1 });
    const env = emulator.env;
    const runs = await Promise.all([
      runCli(['sync', '--base-url', emulator.url, ...pg.args], env),
      runCli(['sync', '--base-url', emulator.url, '--db', join(dir, 'viewership.duckdb')], env),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    db = await connect(pgTarget(PG_URL, schema), 'docs test');
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await emulator?.close();
  });

  it('the SQL for Metabase and Grafana runs, and answers', async () => {
    const sql = examples('reading.md').filter((d) => d.lang === 'sql');
    expect(sql.length).toBeGreaterThanOrEqual(6);
    for (const example of sql) {
      const rows = await db.rows(runnableSql(example.code, schema));
      expect(rows.length, `${example.file}:${example.line}`).toBeGreaterThan(0);
    }
  });

  it('the privileges: a read-only role reads master without any right on the bookkeeping', async () => {
    const canCreateRoles = await db.scalar<boolean>(
      'SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    if (!canCreateRoles) return; // a server of the user's own (VIEWERSHIP_TEST_PG): no roles made there
    const roles = ['viewership_reader', 'viewership_sync'];
    const dropRoles = async () => {
      for (const role of roles) {
        const exists = await db.scalar<boolean>(
          'SELECT count(*) > 0 FROM pg_roles WHERE rolname = $1',
          [role],
        );
        if (!exists) continue;
        await db.run(`GRANT ${role} TO current_user`);
        await db.run(`DROP OWNED BY ${role}`);
        await db.run(`DROP ROLE ${role}`);
      }
    };
    await dropRoles();
    try {
      const database = pgTarget(PG_URL).database;
      // The test's user plays both parts: it may create roles, and it owns the tables.
      const grants = examples('postgres.md').filter((d) => d.lang === 'sql');
      expect(grants.map((g) => g.name)).toEqual(['admin', 'owner']);
      for (const example of grants) {
        await db.run(
          runnableSql(example.code, schema).replace(
            /DATABASE viewership\b/,
            `DATABASE ${database}`,
          ),
        );
      }
      const reader = new URL(PG_URL);
      reader.username = 'viewership_reader';
      reader.password = 'change me too';
      const r = await connect(pgTarget(reader.toString(), schema), 'docs test reader');
      try {
        expect(Number(await r.scalar(`SELECT count(*) FROM ${schema}.master`))).toBe(
          emulator.emulator.truth.sessionCount(),
        );
        await expect(r.run(`SELECT * FROM ${schema}_internal.session_stats`)).rejects.toThrow(
          /permission denied/,
        );
        await expect(r.run(`DELETE FROM ${schema}.sessions`)).rejects.toThrow(/permission denied/);
      } finally {
        await r.close();
      }
    } finally {
      await dropRoles();
    }
  });

  it.skipIf(!PYTHON)('the Python examples run, from PostgreSQL and from a DuckDB file', () => {
    const blocks: DocExample[] = examples('reading.md').filter(
      (d) => d.lang === 'python' || d.lang === 'sh',
    );
    expect(blocks.filter((b) => b.lang === 'python').length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const code = block.code.replace(/search_path=viewership\b/g, `search_path=${schema}`);
      const run =
        block.lang === 'sh'
          ? spawnSync('bash', ['-c', code.replace(/\bnpx viewership\b/g, `node ${BIN}`)], {
              cwd: dir,
              encoding: 'utf8',
            })
          : spawnSync(PYTHON!, ['-c', code], {
              cwd: dir,
              encoding: 'utf8',
              env: { ...process.env, VIEWERSHIP_DSN: PG_URL },
            });
      expect(run.status, `${block.file}:${block.line}\n${run.stderr}`).toBe(0);
      if (block.lang === 'python') {
        expect(run.stderr, `${block.file}:${block.line}`).toBe('');
        expect(run.stdout.length).toBeGreaterThan(0);
      }
    }
  });

  it.skipIf(!PYTHON)('the Jupyter notebook runs from top to bottom, with nbconvert', () => {
    const out = join(dir, 'notebook-run.ipynb');
    const run = spawnSync(
      PYTHON!,
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        join(ROOT, 'docs/notebooks/viewership.ipynb'),
        '--output',
        out,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          VIEWERSHIP_DSN: PG_URL,
          VIEWERSHIP_SCHEMA: schema,
          PYDEVD_DISABLE_FILE_VALIDATION: '1',
        },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const notebook = JSON.parse(readFileSync(out, 'utf8')) as {
      cells: Array<{
        outputs?: Array<{ output_type: string; name?: string; data?: Record<string, string[]> }>;
      }>;
    };
    const outputs = notebook.cells.flatMap((c) => c.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === 'error' || o.name === 'stderr')).toEqual([]);
    const summary = outputs.at(-1)!.data!['text/plain']!.join('');
    expect(summary).toContain(`'sessions': ${emulator.emulator.truth.sessionCount()}`);
  });
});
