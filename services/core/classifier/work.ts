/**
 * How much work the classifier has done, in steps: characters scanned, words looked up, matches and
 * candidates tried, iterations of every loop whose length depends on the text. It is how the tests
 * prove that the cost grows linearly with the text (test/unit/core/classifier/linear-work.test.ts): time is
 * too noisy on a shared machine, a count is exact. Every loop adds its own count once, outside its
 * hottest iteration where it can, so counting costs a few additions per comment and is always on.
 * The count only grows (read it before and after); it is a diagnostic and decides nothing.
 */
export const work = { steps: 0 };

/** Steps `fn` took. */
export function stepsOf(fn: () => void): number {
  const before = work.steps;
  fn();
  return work.steps - before;
}
