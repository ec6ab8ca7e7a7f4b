/**
 * Inverse document frequency of stems, learned from the stream. Counts are halved every `halfLifeDocs`
 * documents and stems whose count falls under one half are forgotten, so the table stays bounded and
 * follows what people write about now.
 */
const PRIOR_DOCS = 1000;

interface Entry {
  count: number;
  /** log(count + 1), kept with the count: weight() is the detector's most frequent call. */
  log: number;
}

export class IdfTable {
  private readonly counts = new Map<string, Entry>();
  private docs = 0;
  /** log(docs + PRIOR_DOCS), updated with docs. */
  private logDocs = Math.log(PRIOR_DOCS);
  private sinceHalving = 0;

  constructor(private readonly halfLifeDocs: number) {}

  weight(stem: string): number {
    const entry = this.counts.get(stem);
    // A prior of PRIOR_DOCS documents that used no stem: a cold table weighs all stems alike instead of
    // weighing the few it has seen, a burst's own words first among them, as common. Never zero.
    const w = this.logDocs - (entry === undefined ? 0 : entry.log);
    return w > 0.1 ? w : 0.1;
  }

  add(stems: readonly string[]): void {
    for (const s of stems) {
      const entry = this.counts.get(s);
      if (entry === undefined) this.counts.set(s, { count: 1, log: Math.LN2 });
      else {
        entry.count++;
        entry.log = Math.log(entry.count + 1);
      }
    }
    this.docs++;
    this.logDocs = Math.log(this.docs + PRIOR_DOCS);
    if (++this.sinceHalving >= this.halfLifeDocs) this.halve();
  }

  get size(): number {
    return this.counts.size;
  }

  private halve(): void {
    this.sinceHalving = 0;
    this.docs /= 2;
    this.logDocs = Math.log(this.docs + PRIOR_DOCS);
    for (const [stem, entry] of this.counts) {
      if (entry.count < 1) this.counts.delete(stem);
      else {
        entry.count /= 2;
        entry.log = Math.log(entry.count + 1);
      }
    }
  }
}
