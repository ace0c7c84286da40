/**
 * Text from the data or the API shown to a person: control characters (an escape sequence in a
 * title could rewrite the terminal, a newline could forge a log line) are spelled out instead of
 * acted on, e.g. ESC as `\x1b`.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(CONTROL, (c) =>
    options.keepNewlines && c === '\n' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
