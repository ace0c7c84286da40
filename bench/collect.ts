/**
 * The collector's bar: at least 2,000 pings/s sustained with p99 under 50 ms into DuckDB, on this
 * 2-core machine, with many concurrent simulated players; memory flat over the run.
 *
 * The real CLI (`viewership collect`) against a load generator in its own process
 * (bench/collect-load.ts: undici keep-alive, open loop at the target rate). The collector's RSS is
 * sampled every few seconds; "flat" compares the last third's mean with the middle third's.
 * Every answered ping must be in the warehouse at the end.
 *
 *   npx tsx bench/collect.ts                         # 60 s
 *   BENCH_COLLECT_SECONDS=600 npx tsx bench/collect.ts   # the 10-minute run
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchResult } from './dashboard.js';
import { printResults } from './sync.js';

const OUT = join(import.meta.dirname, '../bench-output');
const BIN = join(import.meta.dirname, '../bin/viewership.js');
const LOAD = join(import.meta.dirname, 'collect-load.ts');

/** A process's resident memory with its children's (the collector's publisher), in MB. */
const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    return (m ? Number(m[1]) / 1024 : 0) + children.reduce((sum, c) => sum + rssMb(c), 0);
  } catch {
    return 0;
  }
};

interface Load {
  sent: number;
  ok: number;
  failed: number;
  behind: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

export async function benchCollect(
  log: (line: string) => void = console.log,
  seconds = Number(process.env.BENCH_COLLECT_SECONDS ?? 60),
  rate = Number(process.env.BENCH_COLLECT_RATE ?? 2000),
): Promise<BenchResult[]> {
  const dir = join(OUT, 'collect');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'collect.duckdb');
  const collector = spawn(
    process.execPath,
    [BIN, 'collect', '--db', db, '--port', '0', '--trust-proxy', '--publish-every', '2'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  collector.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    collector.stdout.on('data', (d) => {
      out += d;
      const m = /collector: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    collector.on('exit', (code) => reject(new Error(`collect exited (${code}): ${stderr}`)));
  });
  const players = 2000;
  log(
    `collect: ${rate} pings/s for ${seconds} s from ${players} simulated players (a separate process)`,
  );

  const loadBefore = loadavg();
  const samples: Array<{ s: number; mb: number }> = [];
  const t0 = Date.now();
  const sampler = setInterval(() => {
    samples.push({ s: (Date.now() - t0) / 1000, mb: rssMb(collector.pid!) });
  }, 5000);
  const load = await new Promise<Load>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', LOAD, url, String(rate), String(seconds), String(players)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Load)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
  clearInterval(sampler);

  // Every answered ping reaches the warehouse: wait for the publisher to catch up, then stop.
  const health = async () =>
    (await (await fetch(`${url}/health`)).json()) as {
      accepted: number;
      journaled: number;
      published: number;
      backlog: number;
      latency: { p50: number; p99: number; max: number };
    };
  let h = await health();
  const drainStart = Date.now();
  while ((h.published < h.journaled || h.backlog > 0) && Date.now() - drainStart < 60_000) {
    await new Promise((r) => setTimeout(r, 250));
    h = await health();
  }
  const catchUpS = (Date.now() - drainStart) / 1000;
  collector.kill('SIGTERM');
  await new Promise((r) => collector.once('exit', r));

  const rate2xx = load.ok / load.seconds;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs: typeof samples) => xs.reduce((a, b) => a + b.mb, 0) / Math.max(1, xs.length);
  const middle = mean(samples.slice(third, 2 * third));
  const last = mean(samples.slice(2 * third));
  const growth = middle > 0 ? (last - middle) / middle : 0;
  log(
    `  sent ${load.sent.toLocaleString('en-US')}, answered 2xx ${load.ok.toLocaleString('en-US')} (${rate2xx.toFixed(0)}/s), failed ${load.failed}, generator behind ${load.behind}×`,
  );
  log(
    `  latency seen by the players: p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, max ${load.max.toFixed(1)} ms; inside the collector (arrival → answer): p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, max ${h.latency.max} ms`,
  );
  log(
    `  machine load average before / after: ${loadBefore.map((l) => l.toFixed(1)).join(' ')} / ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores; other work on the machine counts)`,
  );
  log(
    `  collector RSS with its publisher (MB) every 5 s: ${samples.map((s) => s.mb.toFixed(0)).join(' ')}; middle third ${middle.toFixed(0)}, last third ${last.toFixed(0)} (${(growth * 100).toFixed(1)}%)`,
  );
  log(
    `  published ${h.published.toLocaleString('en-US')} of ${h.journaled.toLocaleString('en-US')} journaled, caught up ${catchUpS.toFixed(1)} s after the load`,
  );

  return [
    {
      name: `collector: pings answered per second, sustained (${seconds} s)`,
      value: Math.round(rate2xx),
      unit: '/s',
      bar: '≥ 2000',
      pass: rate2xx >= 2000 * 0.99 && load.failed === 0,
    },
    {
      name: 'collector: p99 latency of a ping',
      value: Math.round(load.p99 * 10) / 10,
      unit: 'ms',
      bar: '< 50',
      pass: load.p99 < 50,
    },
    {
      name: 'collector: RSS growth, last third of the run over the middle third',
      value: Math.round(growth * 1000) / 10,
      unit: '%',
      bar: '< 10',
      pass: growth < 0.1,
    },
    {
      name: 'collector: answered pings in the warehouse at the end',
      value: h.published,
      unit: '',
      bar: `= ${h.journaled}`,
      pass: h.published === h.journaled && h.published >= load.ok,
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchCollect();
  console.log('');
  printResults(results);
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}
