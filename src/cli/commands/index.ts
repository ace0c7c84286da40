import type { Command } from 'commander';
import { registerEmulator } from './emulator.js';
import { registerExport, registerMigrate, registerQuery } from './data.js';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerSync } from './sync.js';

export function registerCommands(program: Command): void {
  registerSync(program);
  registerExport(program);
  registerQuery(program);
  registerMigrate(program);
  registerServe(program);
  registerReport(program);
  registerEmulator(program);
  registerDemo(program);
}
