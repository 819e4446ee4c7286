/**
 * Reads the value field: JSON text becomes that value; anything else (including an empty field) is
 * taken as a plain string, so typing `hello` stores "hello" instead of failing.
 */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Renders a value for the output panes: JSON, indented, strings quoted so `"1"` and `1` differ. */
export function formatValue(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
