/**
 * The `viewership` command line: a thin shell that parses flags and calls the library.
 * Each command lives in ./commands/<name>.ts.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { describeError, exitCodeFor, EXIT_USAGE } from './errors.js';
import { registerCommands } from './commands/index.js';

// A reader that stops early (`viewership query … | head`) closes the pipe: what it did not read
// is not an error to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command('viewership')
  .description(
    'Mirror an api.video account’s analytics into a DuckDB warehouse, and see it as a dashboard or report.',
  )
  .version(VERSION, '-V, --version')
  .option('--debug', 'show stack traces and request details on failure')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end up here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    const debug = Boolean(program.opts().debug) || process.argv.includes('--debug');
    console.error(describeError(error, debug));
    process.exitCode = exitCodeFor(error);
  }
}
