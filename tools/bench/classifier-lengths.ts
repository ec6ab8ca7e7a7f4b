/**
 * Writes the length histogram that `npm run bench:classifier` draws its second set of texts from:
 * `npx tsx tools/bench/classifier-lengths.ts <labelled JSONL files...> > tools/bench/classifier-lengths.json`.
 * Only lengths leave the data files (characters per text, counted in bins), never a text.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Upper bounds (exclusive) of the bins, in characters; the last bin ends at the classifier's default limit. */
export const LENGTH_BINS = [
  20, 40, 60, 80, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200, 6400, 16384,
];

function histogram(lengths: readonly number[]): number[] {
  const counts = LENGTH_BINS.map(() => 0);
  for (const length of lengths) {
    const bin = LENGTH_BINS.findIndex((upper) => length < upper);
    counts[bin < 0 ? LENGTH_BINS.length - 1 : bin]! += 1;
  }
  return counts;
}

if (process.argv[1]?.endsWith('classifier-lengths.ts')) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: classifier-lengths.ts <labelled JSONL files...>\n');
    process.exit(2);
  }
  const sources: Record<string, number[]> = {};
  for (const file of files) {
    const lengths = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => [...(JSON.parse(line) as { text: string }).text].length);
    sources[basename(file, '.jsonl')] = histogram(lengths);
  }
  process.stdout.write(
    JSON.stringify(
      {
        about:
          'Texts per length bin (characters) in the labelled dev files, for bench:classifier. Lengths only, no text. Regenerate with tools/bench/classifier-lengths.ts.',
        binUpperBounds: LENGTH_BINS,
        sources,
      },
      null,
      2,
    ) + '\n',
  );
}
