import type { Command } from 'commander';
import { ViewershipError } from '../../errors.js';
import { registerEmulator } from './emulator.js';
import { registerExport, registerQuery } from './data.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerSync } from './sync.js';

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
  registerSync(program);
  registerExport(program);
  registerQuery(program);
  registerServe(program);
  registerReport(program);
  registerEmulator(program);
  planned(program, 'demo', 'emulator + sync + serve in one command');
}
