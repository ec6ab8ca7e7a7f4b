/**
 * What `otklik tail` prints comes from the topics, so from whoever wrote a comment: a field holding
 * ESC [2J clears the operator's screen, an OSC 52 sequence writes their clipboard, a bidi override makes
 * a line read differently from what it holds. Every such character is printed as a visible escape.
 */

/**
 * C0 controls (newline and tab included), DEL, C1 controls, the bidi marks, embeddings, overrides and
 * isolates, and the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function hex(char: string, width: number): string {
  return char.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
}

/** The text with every unsafe character written as `\xHH` (controls) or `\u{HHHH}` (the others). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) <= 0x9f ? `\\x${hex(c, 2)}` : `\\u{${hex(c, 4)}}`));
}

/** What JSON.stringify leaves raw inside strings: DEL, C1, bidi, line and paragraph separators. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify output with every unsafe character as a `\uHHHH` escape. It escapes the C0 controls
 * inside strings itself, so the C0 characters left (newlines and spaces of pretty printing) are
 * structure and stay.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4).toLowerCase()}`);
}
