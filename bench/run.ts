/**
 * `npm run bench`: every quality bar a benchmark measures, each figure beside
 * its bar. Not a test: it takes minutes, prints, and exits 1 if a bar is missed.
 * `npm run bench -- postgres collect` runs only the parts named.
 */
import { benchCollect } from './collect.js';
import { benchPostgres } from './postgres.js';
import { benchDashboard, type BenchResult } from './dashboard.js';
import { benchSync, printResults } from './sync.js';

type Log = (line: string) => void;
const PARTS: { name: string; title: string; run: (log: Log) => Promise<BenchResult[]> }[] = [
  { name: 'sync', title: 'sync (emulator + the real CLI):', run: benchSync },
  { name: 'dashboard', title: 'dashboard (1,000,000 sessions):', run: benchDashboard },
  {
    name: 'collect',
    title: 'collector (the real CLI, a load generator in its own process):',
    run: benchCollect,
  },
  {
    name: 'postgres',
    title: 'PostgreSQL (a throwaway local cluster, durability on):',
    run: benchPostgres,
  },
];

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !PARTS.some((p) => p.name === a));
if (unknown.length > 0) {
  console.error(
    `unknown bench part ${unknown.join(', ')}; the parts are ${PARTS.map((p) => p.name).join(', ')}`,
  );
  process.exit(2);
}
const log: Log = (line) => console.log(`  ${line}`);
const results: BenchResult[] = [];
for (const part of PARTS) {
  if (asked.length > 0 && !asked.includes(part.name)) continue;
  console.log(part.title);
  results.push(...(await part.run(log)));
}
console.log('');
printResults(results);
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
