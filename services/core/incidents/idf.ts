/**
 * Inverse document frequency of stems, learned from the stream. Counts are halved every `halfLifeDocs`
 * documents and stems whose count falls under one half are forgotten, so the table stays bounded and
 * follows what people write about now.
 */
const PRIOR_DOCS = 1000;

export class IdfTable {
  private readonly counts = new Map<string, number>();
  private docs = 0;
  private sinceHalving = 0;

  constructor(private readonly halfLifeDocs: number) {}

  weight(stem: string): number {
    const df = this.counts.get(stem) ?? 0;
    // A prior of PRIOR_DOCS documents that used no stem: a cold table weighs all stems alike instead of
    // weighing the few it has seen, a burst's own words first among them, as common. Never zero.
    return Math.max(0.1, Math.log((this.docs + PRIOR_DOCS) / (df + 1)));
  }

  add(stems: readonly string[]): void {
    for (const s of stems) this.counts.set(s, (this.counts.get(s) ?? 0) + 1);
    this.docs++;
    if (++this.sinceHalving >= this.halfLifeDocs) this.halve();
  }

  get size(): number {
    return this.counts.size;
  }

  private halve(): void {
    this.sinceHalving = 0;
    this.docs /= 2;
    for (const [stem, count] of this.counts) {
      if (count < 1) this.counts.delete(stem);
      else this.counts.set(stem, count / 2);
    }
  }
}
