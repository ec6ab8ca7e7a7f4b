/**
 * Prediction command: `npm run --silent classify < in.jsonl > out.jsonl`.
 * Each input line is a JSON object with at least `text` (optionally `posted_at`/`postedAt` in epoch ms,
 * `region`, `page_id` and `author.kind` as in CommentEvent; the region or page picks the categories of
 * its source's routing taxonomy as in a worker with the shipped routing, docs/classifier.md); each output line, in the same order, holds category, type, priority, toxic, spam,
 * actionable and confidence (and `id` when the input had one; `text_truncated: true` when the text was
 * longer than the classifier reads, 16 KiB as in the worker). A bad line still yields an output line,
 * with `error`, and a message on stderr: a line that is not JSON, not an object with `text`, not UTF-8,
 * or longer than `--max-line-bytes` (1 MiB by default; the rest of such a line is read and dropped, never
 * held). Only results go to stdout. `--evidence` adds evidence and version. Needs no Kafka or Redis.
 */
import { classify, TaxonomyRouter, type ClassifierInput } from '../../core/classifier/index.js';
import { boundedLines } from './bounded-lines.js';

const ROUTER = new TaxonomyRouter();
const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const withEvidence = process.argv.includes('--evidence');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function maxLineBytes(argv: string[]): number {
  const at = argv.findIndex((a) => a === '--max-line-bytes' || a.startsWith('--max-line-bytes='));
  if (at === -1) return DEFAULT_MAX_LINE_BYTES;
  const value = argv[at]!.includes('=') ? argv[at]!.slice(argv[at]!.indexOf('=') + 1) : argv[at + 1];
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`classify: --max-line-bytes needs a positive integer, not ${String(value)}\n`);
    process.exit(2);
  }
  return n;
}

function toInput(value: unknown): ClassifierInput | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'line is not a JSON object';
  const o = value as Record<string, unknown>;
  if (typeof o.text !== 'string') return 'field "text" is missing or not a string';
  const input: ClassifierInput = { text: o.text };
  const posted = o.posted_at ?? o.postedAt;
  if (typeof posted === 'number' && Number.isFinite(posted)) input.postedAt = posted;
  else if (typeof posted === 'string' && !Number.isNaN(Date.parse(posted)))
    input.postedAt = Date.parse(posted);
  if (typeof o.region === 'string' || typeof o.region === 'number') input.region = String(o.region);
  const pageId = typeof o.page_id === 'string' ? o.page_id : undefined;
  input.taxonomy = ROUTER.of({ region: input.region, pageId });
  const author = o.author as { kind?: unknown } | null | undefined;
  if (typeof author?.kind === 'string') input.authorKind = author.kind;
  return input;
}

function lineError(code: string, lineNo: number, why: string): string {
  process.stderr.write(`classify: line ${lineNo}: ${code}: ${why}\n`);
  return JSON.stringify({ error: code, line: lineNo });
}

function outputFor(line: string, lineNo: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    process.stderr.write(`classify: line ${lineNo}: CLASSIFY_BAD_JSON: not valid JSON\n`);
    return JSON.stringify({ error: 'CLASSIFY_BAD_JSON', line: lineNo });
  }
  const input = toInput(parsed);
  const id = (parsed as { id?: unknown } | null)?.id;
  const idField = typeof id === 'string' || typeof id === 'number' ? { id } : {};
  if (typeof input === 'string') {
    process.stderr.write(`classify: line ${lineNo}: CLASSIFY_BAD_INPUT: ${input}\n`);
    return JSON.stringify({ ...idField, error: 'CLASSIFY_BAD_INPUT', line: lineNo });
  }
  const c = classify(input);
  const out = {
    ...idField,
    category: c.category,
    type: c.type,
    priority: c.priority,
    toxic: c.toxic,
    spam: c.spam,
    actionable: c.actionable,
    confidence: c.confidence,
    // Only the first 16 KiB (DEFAULT_MAX_TEXT_BYTES) of a text are read, as in the worker.
    ...(c.text_truncated ? { text_truncated: true } : {}),
    ...(withEvidence ? { evidence: c.evidence, version: c.version } : {}),
  };
  return JSON.stringify(out);
}

async function main(): Promise<void> {
  const limit = maxLineBytes(process.argv);
  let lineNo = 0;
  let buffer: string[] = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('\n') + '\n';
    buffer = [];
    if (!process.stdout.write(chunk))
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  };
  for await (const line of boundedLines(process.stdin, limit)) {
    lineNo++;
    if (line.tooLong) {
      buffer.push(lineError('CLASSIFY_LINE_TOO_LONG', lineNo, `${line.bytes} bytes, over ${limit}`));
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(line.bytes);
    } catch {
      buffer.push(lineError('CLASSIFY_BAD_UTF8', lineNo, 'not valid UTF-8'));
      continue;
    }
    buffer.push(outputFor(text, lineNo));
    if (buffer.length >= 512) await flush();
  }
  await flush();
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().catch((err: unknown) => {
  process.stderr.write(`classify: CLASSIFY_FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
