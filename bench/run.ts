/**
 * `npm run bench`: every quality bar a benchmark measures, each figure beside
 * its bar. Not a test: it takes minutes, prints, and exits 1 if a bar is missed.
 */
import { benchCollect } from './collect.js';
import { benchDashboard } from './dashboard.js';
import { benchPostgres } from './postgres.js';
import { benchSync, printResults } from './sync.js';

const log = (line: string) => console.log(`  ${line}`);
console.log('sync (emulator + the real CLI):');
const results = await benchSync(log);
console.log('dashboard (1,000,000 sessions):');
results.push(...(await benchDashboard(log)));
console.log('collector (the real CLI, a load generator in its own process):');
results.push(...(await benchCollect(log)));
console.log('PostgreSQL (a throwaway local cluster, durability on):');
results.push(...(await benchPostgres(log)));
console.log('');
printResults(results);
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
