/**
 * Splits a byte stream into lines of at most `maxBytes` bytes each without ever holding more than that
 * (plus one chunk): the rest of an over-long line is read and dropped, and the line is reported as too
 * long, so a caller can still answer every input line. Node's readline has no such limit and builds a
 * line of any size in memory.
 */
export type BoundedLine = { tooLong: false; bytes: Buffer } | { tooLong: true; bytes: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export async function* boundedLines(
  chunks: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let held = 0;
  /** Bytes of the current line, kept or dropped. */
  let seen = 0;
  // One byte over the limit is held back: it may be the '\r' of a CRLF ending, which is not counted.
  const holdAtMost = maxBytes + 1;

  const endLine = (): BoundedLine => {
    let bytes = Buffer.concat(parts, held);
    let length = seen;
    if (length > 0 && length <= holdAtMost && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
      length--;
    }
    parts = [];
    held = 0;
    seen = 0;
    return length > maxBytes ? { tooLong: true, bytes: length } : { tooLong: false, bytes };
  };

  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      seen += end - start;
      if (seen <= holdAtMost) {
        parts.push(chunk.subarray(start, end));
        held += end - start;
      } else if (held > 0) {
        parts = [];
        held = 0;
      }
      if (newline === -1) break;
      yield endLine();
      start = newline + 1;
    }
  }
  if (seen > 0) yield endLine();
}
