/** Examples at the end of a command's --help: what people type, not just what flags exist. */
import type { Command } from 'commander';

export function examples(command: Command, lines: Array<[string, string]>): void {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  const text = lines
    .map(([cmd, note]) => (note ? `  ${cmd.padEnd(width)}  # ${note}` : `  ${cmd}`))
    .join('\n');
  command.addHelpText('after', `\nExamples:\n${text}\n`);
}
