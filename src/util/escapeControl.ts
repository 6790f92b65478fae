const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters a terminal acts on: C0 (which includes ESC, so no escape sequence survives), DEL, C1, the
 * Unicode line and paragraph separators and the bidirectional overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print on a terminal: every control character becomes a visible escape — `\n`, `\r`, `\t`,
 * `\xNN` up to U+00FF, `\uNNNN` above — so a value cannot clear the screen, set the window title or forge a
 * line. Printable text, backslashes included, is left as it is.
 * @example escapeControl('\u001b[2J'); // "\\x1b[2J"
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
