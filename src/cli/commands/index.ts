import type { Command } from 'commander';
import { ViewershipError } from '../../errors.js';
import { registerEmulator } from './emulator.js';

/** Commands still to be built announce it instead of pretending. */
function planned(program: Command, name: string, summary: string): void {
  program
    .command(name)
    .description(`${summary} (not built yet)`)
    .allowUnknownOption()
    .action(() => {
      throw new ViewershipError(`\`${name}\` is not built yet in this version`);
    });
}

export function registerCommands(program: Command): void {
  planned(program, 'sync', 'copy the account from the API into the warehouse');
  planned(program, 'export', 'write a warehouse table to CSV, JSON, NDJSON or Parquet');
  planned(program, 'query', 'run read-only SQL on the warehouse');
  planned(program, 'serve', 'the dashboard on http://127.0.0.1');
  planned(program, 'report', 'one self-contained HTML report');
  registerEmulator(program);
  planned(program, 'demo', 'emulator + sync + serve in one command');
}
