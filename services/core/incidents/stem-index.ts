/**
 * Which live groups of a region use a stem: the detector's match and merge tests only need the groups
 * that share a stem with what they compare (a cosine without a shared stem is 0), so they look those up
 * instead of scoring every group of the region. Entries of groups that closed are dropped by `rebuild`
 * (the detector's periodic sweep); until then callers skip them.
 */
export interface Indexed {
  /** Creation order: callers visit groups in it, so the result is the one a scan of the list gives. */
  readonly seq: number;
  readonly stemCounts: ReadonlyMap<string, number>;
  /** Scratch of the detector's lookups (`nextMark`): the lookup that last met the group. */
  mark: number;
}

export class StemIndex<G extends Indexed> {
  private readonly byRegion = new Map<string, Map<string, G[]>>();
  private lookup = 0;

  /** Records that `group` (of `region`) now uses `stem`; call once per new stem of the group. */
  add(region: string, stem: string, group: G): void {
    let stems = this.byRegion.get(region);
    if (stems === undefined) this.byRegion.set(region, (stems = new Map()));
    const groups = stems.get(stem);
    if (groups === undefined) stems.set(stem, [group]);
    else groups.push(group);
  }

  /** The stems of `region` and the groups using each (possibly closed ones, until the next rebuild). */
  region(region: string): ReadonlyMap<string, readonly G[]> | undefined {
    return this.byRegion.get(region);
  }

  /** A fresh mark for a lookup that flags the groups it met (their `mark`). */
  nextMark(): number {
    return ++this.lookup;
  }

  regions(): IterableIterator<string> {
    return this.byRegion.keys();
  }

  /** Forgets everything and indexes `live` (region -> its live groups). */
  rebuild(live: ReadonlyMap<string, readonly G[]>): void {
    this.byRegion.clear();
    for (const [region, groups] of live)
      for (const g of groups) for (const stem of g.stemCounts.keys()) this.add(region, stem, g);
  }
}
