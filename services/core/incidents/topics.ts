/**
 * How often a place writes each word: the baseline of a *kind* of problem finer than the classifier's
 * category. A chronic topic («сосульки над входом в магазин», «светофор у школы не работает») recurs in
 * its town all day in the same words; a new problem's words (its street, its symptom together) are new
 * there. Per place, each stem's count of comments and all comments are kept, halved every `halfLifeMs`
 * of event time, so the rates follow the last day or so and stay bounded.
 *
 * A group's expectation is that of its rarest defining word: the comments of the place that use each of
 * the stems most of the group's members use, as a share of the place's comments (the group's own
 * members taken out, so a burst does not raise its own baseline), times the place's comments in the
 * window. The rarest stem bounds how often comments about all of them came by. It is the place
 * baseline of the Poisson test (docs/incidents.md#incidents-grouping-then-a-poisson-scan-test) with
 * the place's text in place of its category: surveillance's baseline of one syndrome, not of a ward.
 */
import { StreamVolume } from './volume.js';

interface Place {
  docs: number;
  stems: Map<string, number>;
  halvedAt: number;
  volume: StreamVolume;
}

/** Stems a group's members must use in this share to define it. */
const DEFINING_SHARE = 0.5;
/** Least past comments of a place before its shares mean anything. */
const MIN_DOCS = 50;

export class TopicRates {
  private readonly places = new Map<string, Place>();

  constructor(private readonly halfLifeMs: number) {}

  /** Counts one comment of the place (`placeKey` '' for the region as a whole). */
  add(region: string, placeKey: string, stems: readonly string[], at: number): void {
    for (const place of [this.placeOf(region, placeKey, at), this.placeOf('*', '', at)]) {
      place.docs++;
      for (const s of stems) place.stems.set(s, (place.stems.get(s) ?? 0) + 1);
      place.volume.add(at);
    }
  }

  /**
   * Comments about the group's defining stems the place would have in [from, to) at its usual rates.
   * `stemCounts` over `profiled` members say which stems define the group; `window` are the stems of
   * its members in the window tested, taken out of the place's counts (the test period kept out of the
   * baseline). 0 when the place has too little history or the group has no defining stem.
   */
  expected(
    region: string,
    placeKey: string,
    stemCounts: ReadonlyMap<string, number>,
    profiled: number,
    window: readonly (readonly string[])[],
    from: number,
    to: number,
  ): number {
    const place = this.places.get(`${region}|${placeKey}`);
    if (place === undefined) return 0;
    const volume = place.volume.between(from, to);
    const everywhere = this.places.get('*|') as Place;
    return (
      volume *
      Math.max(
        shareOf(place, stemCounts, profiled, window),
        shareOf(everywhere, stemCounts, profiled, window),
      )
    );
  }

  dbg(region: string, placeKey: string, stem: string): string {
    const p = this.places.get(`${region}|${placeKey}`);
    return p === undefined ? 'none' : `${(p.stems.get(stem) ?? 0).toFixed(1)}/${p.docs.toFixed(0)}`;
  }

  /** Forgets the volume by the minute before `before`. */
  forget(before: number): void {
    for (const place of this.places.values()) place.volume.forget(before);
  }

  private placeOf(region: string, placeKey: string, at: number): Place {
    const key = `${region}|${placeKey}`;
    let place = this.places.get(key);
    if (place === undefined) {
      place = { docs: 0, stems: new Map(), halvedAt: at, volume: new StreamVolume() };
      this.places.set(key, place);
    }
    if (at - place.halvedAt >= this.halfLifeMs) {
      place.halvedAt = at;
      place.docs /= 2;
      for (const [stem, n] of place.stems)
        if (n < 1) place.stems.delete(stem);
        else place.stems.set(stem, n / 2);
    }
    return place;
  }
}

/**
 * The share of the place's comments (the window's members taken out) that use the group's rarest
 * defining stem; 0 with too little history or no defining stem.
 */
function shareOf(
  place: Place,
  stemCounts: ReadonlyMap<string, number>,
  profiled: number,
  window: readonly (readonly string[])[],
): number {
  const docs = place.docs - window.length;
  if (docs < MIN_DOCS) return 0;
  let share = Infinity;
  for (const [stem, count] of stemCounts) {
    if (count < DEFINING_SHARE * profiled) continue;
    let own = 0;
    for (const stems of window) if (stems.includes(stem)) own++;
    share = Math.min(share, Math.max(0, (place.stems.get(stem) ?? 0) - own) / docs);
  }
  return share === Infinity ? 0 : share;
}
