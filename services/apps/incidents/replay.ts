/**
 * `npm run --silent incidents:replay < comments.jsonl > incidents.jsonl` (issue #17, item 6): classifies
 * each comment and runs the incident detector with event time as its clock; one JSON object per line
 * per incident event on stdout and nothing else. Lines it cannot use are named on stderr and skipped.
 */
import { boundedLines } from '../classifier/bounded-lines.js';
import { ReplayStream } from './replay-stream.js';

const MAX_LINE_BYTES = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function main(): Promise<void> {
  const replay = new ReplayStream();
  let lineNo = 0;
  let out: string[] = [];
  const flush = async (): Promise<void> => {
    if (out.length === 0) return;
    const chunk = out.join('\n') + '\n';
    out = [];
    if (!process.stdout.write(chunk)) await new Promise<void>((r) => process.stdout.once('drain', r));
  };
  for await (const line of boundedLines(process.stdin, MAX_LINE_BYTES)) {
    lineNo++;
    if (line.tooLong) {
      process.stderr.write(`incidents:replay: line ${lineNo}: longer than ${MAX_LINE_BYTES} bytes\n`);
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(line.bytes);
    } catch {
      process.stderr.write(`incidents:replay: line ${lineNo}: not valid UTF-8\n`);
      continue;
    }
    const result = replay.push(text, lineNo);
    if (result.problem !== null) process.stderr.write(`incidents:replay: ${result.problem}\n`);
    out.push(...result.lines);
    if (out.length >= 256) await flush();
  }
  await flush();
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().catch((err: unknown) => {
  process.stderr.write(`incidents:replay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
