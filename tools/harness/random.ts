/**
 * The one seeded random generator of the tools and tests (workloads, comment texts, the fuzzer's
 * generator, the chaos run's kill schedule, the classifier benchmark's texts).
 *
 * mulberry32, kept here rather than taken from `pure-rand` (which fast-check brings in): pure-rand has
 * no mulberry32, and any other generator would change every stream the benchmarks and the chaos run
 * were measured on, so before/after figures would no longer compare on the same input. Ten lines,
 * one file, no state beyond a 32-bit word; fast-check keeps its own pure-rand for property tests.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
