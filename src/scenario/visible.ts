// Text from a scenario shown back inside a one-line message: a raw newline, tab or other control
// character would break the message (and the caret line under it), so each becomes its escape as
// it is written in a double-quoted YAML string. Everything else, backslashes included, is shown
// as written, so a regular expression like `^OK \d+` reads the same in the message as in the file.

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`);
  });
}

/** Why `pattern` is not a regular expression (JavaScript syntax), shown on one line; undefined when it is one. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /PATTERN/: reason"; the caller's message already says
    // it is not a valid regular expression
    return visible((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}
