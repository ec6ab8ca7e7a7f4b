/**
 * The incident and campaign detector (docs/incidents.md): pure, one comment at a time, event time as
 * its only clock. The same stream in the same order gives the same events and the same ids.
 */
import { HourlyBaseline } from './baseline.js';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from './config.js';
import { featuresOf, placeKeyOf, type TextFeatures } from './features.js';
import { fnv1a, hex32 } from './hash.js';
import { IdfTable } from './idf.js';
import { bandKeys, signatureOf, similarity } from './minhash.js';
import { poissonUpperTail } from './poisson.js';
import { StemIndex } from './stem-index.js';
import { TopicRates } from './topics.js';
import { StreamVolume } from './volume.js';
import type { DetectorComment, DetectorEvent, IncidentDetail, IncidentType } from './types.js';

const HOUR_MS = 3_600_000;
const NEVER_MEMBERS = new Set(['OFFICIAL', 'BOT', 'MEDIA']);
/** Members whose stems make up a group's profile; later members only count. */
const PROFILE_MEMBERS = 40;
const STREET_BONUS = 0.25;
/** Share of a group's members that must name its street for the street zone to count the group. */
const STREET_SHARE = 0.4;
/**
 * Containment of a new burst in an open incident of the same place counts for the merge minus this: the
 * burst's words must be mostly the incident's (0.2 + openMergeThreshold's 0.2 = 40 % of its weight; an unrelated burst's is about 10 %).
 */
const CONTAINMENT_OFFSET = 0.2;
/** Letters a place's stem in a text may have beyond its gazetteer key, or lack (an ending Snowball kept). */
const PLACE_ENDING = 2;
/** How much more an open incident's match counts than a candidate's. */
const OPEN_PREFERENCE = 1.5;
/** What a citizen writes when there is a problem; suggestions, thanks and chatter are not members. */
const PROBLEM_TYPES = new Set(['complaint', 'question']);
const SWEEP_EVERY = 2048;
/** The most threads a popular post's chatter is spread over (the post, a repost). */
const CHATTER_THREADS = 2;
/** Share of a group's members in those threads for it to be their chatter. */
const CHATTER_CONCENTRATION = 0.6;
/** A candidate this share of whose members are copies of one text is a copy-paste wave, not yet an incident. */
const WAVE_SHARE = 0.8;
/** Distinct authors told apart per group (the event's `authors` stops growing there). */
const MAX_AUTHORS = 10_000;
const MAX_MUNICIPALITIES = 16;
const TITLE_WORDS = 4;
/** Share of an open incident's members the category of a coinciding burst must hold (coincides). */
const COINCIDENT_CATEGORY_SHARE = 0.2;
/** Categories one problem's members may be filed under (isFocused). */
const FOCUS_CATEGORIES = 3;

interface Member {
  key: string;
  authorId: string;
  at: number;
  /** The street or route the text names (features.street), or null. */
  street: string | null;
  /** The copy-paste wave (near-duplicate group) the text belongs to, if it is long enough to have one. */
  wave: NearDuplicates | null;
  /** The content stems the incident grouping read (place names out); empty for a campaign's. */
  stems: readonly string[];
}

interface Group {
  /** Creation order (the order of the region's list). */
  seq: number;
  /** Scratch of the stem index's lookups, and the dot product `dotsWith` accumulates beside it. */
  mark: number;
  dot: number;
  type: IncidentType;
  id: string | null;
  region: string;
  category: string;
  placeKey: string;
  municipality: string | null;
  firstKey: string;
  firstAt: number;
  lastAt: number;
  /** Members not yet reported (all of them until the group opens). */
  pending: Member[];
  /** Members inside the scan window, for the test; older ones are only counted. */
  recent: Member[];
  /** Members ever, including those no longer in `recent`. */
  total: number;
  /** Members per thread, and each thread's comment count when the group first met it. */
  threads: Map<string, number>;
  threadStart: Map<string, number>;
  stemCounts: Map<string, number>;
  profiled: number;
  /** Length of the IDF-weighted centroid, as of the last profiled member. */
  norm: number;
  streets: Set<string>;
  pages: Set<string>;
  authors: Set<string>;
  municipalities: Set<string>;
  /** Each profiled stem's word as first written, for the title. */
  words: Map<string, string>;
  /** Members per copy-paste wave, for the campaign deferral of isBurst. */
  waves: Map<NearDuplicates, number>;
  /** Members per category the classifier gave them: one problem is often filed under two or three. */
  categories: Map<string, number>;
  closed: boolean;
}

interface NearDuplicates {
  group: Group;
  signature: Uint32Array;
  bands: string[];
  authors: Set<string>;
}

export interface DetectorStats {
  seenKeys: number;
  candidateGroups: number;
  openIncidents: number;
  nearDuplicateGroups: number;
  idfStems: number;
  baselineKeys: number;
}

export class IncidentDetector {
  private readonly config: DetectorConfig;
  private readonly seen = new Map<string, number>();
  private readonly idf: IdfTable;
  private readonly baseline: HourlyBaseline;
  /** region -> place key -> the municipality as pages wrote it. */
  private readonly gazetteer = new Map<string, Map<string, string>>();
  private readonly placeKeys = new Map<string, string>();
  /** `region|category` -> live groups (candidates and open incidents). */
  private readonly groups = new Map<string, Group[]>();
  /** region -> stem -> the incident groups using it: what a match or merge test has to look at. */
  private readonly stemIndex = new StemIndex<Group>();
  private nextSeq = 0;
  private readonly open: Group[] = [];
  private readonly bands = new Map<string, NearDuplicates>();
  private readonly nearDuplicates = new Set<NearDuplicates>();
  /** Comments per thread (kept while the thread is active; swept with the candidates). */
  private readonly threads = new Map<string, number>();
  private readonly threadSeen = new Map<string, number>();
  private readonly volume = new StreamVolume();
  private readonly topics: TopicRates;
  private clock = -Infinity;
  private processed = 0;

  constructor(config: Partial<DetectorConfig> = {}) {
    this.config = { ...DEFAULT_DETECTOR_CONFIG, ...config };
    this.idf = new IdfTable(this.config.idfHalfLifeDocs);
    this.baseline = new HourlyBaseline(this.config.ewmaWeight, this.config.priorRatePerHour);
    this.topics = new TopicRates(this.config.topicHalfLifeMs);
  }

  /** The events this comment causes, in order. */
  process(comment: DetectorComment): DetectorEvent[] {
    const now = Math.max(this.clock, comment.postedAt);
    this.clock = now;
    const events: DetectorEvent[] = [];
    this.closeQuiet(now, comment.postedAt, events);
    if (++this.processed % SWEEP_EVERY === 0) this.sweep(now);
    if (!this.isNew(comment)) return events;
    if (comment.municipality !== null) this.learnPlace(comment.region, comment.municipality);
    if (!this.mayBeMember(comment)) return events;
    this.volume.add(comment.postedAt);
    this.threads.set(comment.threadId, (this.threads.get(comment.threadId) ?? 0) + 1);
    this.threadSeen.set(comment.threadId, comment.postedAt);

    const features = featuresOf(comment.text);
    const member: Member = {
      key: comment.key,
      authorId: comment.authorId,
      at: comment.postedAt,
      street: features.street,
      wave: null,
      stems: [],
    };
    const diverted = this.nearDuplicate(comment, features, member, now, events);
    if (!diverted && PROBLEM_TYPES.has(comment.type)) this.incident(comment, features, member, now, events);
    this.idf.add(features.stems);
    return events;
  }

  stats(): DetectorStats {
    return {
      seenKeys: this.seen.size,
      candidateGroups: [...this.groups.values()].reduce((n, g) => n + g.length, 0),
      openIncidents: this.open.length,
      nearDuplicateGroups: this.nearDuplicates.size,
      idfStems: this.idf.size,
      baselineKeys: this.baseline.size,
    };
  }

  /** A comment counts once: its first event (POSTED, or an EDITED that arrives first) and never again. */
  private isNew(comment: DetectorComment): boolean {
    if (this.seen.has(comment.key)) return false;
    this.seen.set(comment.key, comment.postedAt);
    return comment.op !== 'DELETED';
  }

  private mayBeMember(comment: DetectorComment): boolean {
    return !NEVER_MEMBERS.has(comment.authorKind) && !comment.spam;
  }

  private learnPlace(region: string, municipality: string): void {
    let places = this.gazetteer.get(region);
    if (places === undefined) this.gazetteer.set(region, (places = new Map()));
    const key = this.placeKey(municipality);
    if (!places.has(key)) places.set(key, municipality);
  }

  private placeKey(municipality: string): string {
    let key = this.placeKeys.get(municipality);
    if (key === undefined) {
      key = placeKeyOf(municipality);
      if (this.placeKeys.size < 100_000) this.placeKeys.set(municipality, key);
    }
    return key;
  }

  /** The comment's place: its page's municipality, else a municipality of its region named in the text. */
  private placeOf(comment: DetectorComment, features: TextFeatures): { key: string; name: string | null } {
    if (comment.municipality !== null)
      return { key: this.placeKey(comment.municipality), name: comment.municipality };
    const places = this.gazetteer.get(comment.region);
    if (places !== undefined) {
      for (const stem of features.stems) {
        const key = placeByStem(places, stem);
        if (key !== null) return { key, name: places.get(key) as string };
      }
    }
    return { key: '', name: null };
  }

  private withoutPlaceNames(region: string, features: TextFeatures): TextFeatures {
    const places = this.gazetteer.get(region);
    if (places === undefined || !features.stems.some((s) => placeByStem(places, s) !== null)) return features;
    const stems: string[] = [];
    const words: string[] = [];
    features.stems.forEach((s, i) => {
      if (placeByStem(places, s) !== null) return;
      stems.push(s);
      words.push(features.words[i] as string);
    });
    return { ...features, stems, words };
  }

  // ---- campaigns ---------------------------------------------------------------------------------

  /** Returns whether the comment belongs to a copy-paste wave and so stays out of incidents. */
  private nearDuplicate(
    comment: DetectorComment,
    features: TextFeatures,
    member: Member,
    now: number,
    events: DetectorEvent[],
  ): boolean {
    if (features.stems.length < this.config.campaignMinStems) return false;
    const signature = signatureOf(features.shingles);
    const keys = bandKeys(signature);
    let best: NearDuplicates | undefined;
    let bestSimilarity = this.config.campaignMinSimilarity;
    for (const key of keys) {
      const candidate = this.bands.get(key);
      if (candidate === undefined || candidate.group.closed) continue;
      if (candidate.group.lastAt < now - this.config.campaignWindowMs) continue;
      const s = similarity(signature, candidate.signature);
      if (s >= bestSimilarity) {
        best = candidate;
        bestSimilarity = s;
      }
    }
    if (best === undefined) {
      const group = this.newGroup('campaign', comment, '', null);
      best = { group, signature, bands: keys, authors: new Set() };
      this.nearDuplicates.add(best);
      for (const key of keys) if (!this.bands.has(key)) this.bands.set(key, best);
    }
    const group = best.group;
    member.wave = best;
    this.addMember(group, { ...member }, comment);
    this.profile(group, features);
    best.authors.add(comment.authorId);
    if (group.id !== null) this.report(group, 'UPDATED', comment.postedAt, events);
    else if (this.isCampaign(group, now)) this.openGroup(group, comment.postedAt, events);
    // Only an open campaign keeps its comments out of incidents: an incident's members may be
    // near-identical too («Когда дадут воду?»).
    return group.id !== null;
  }

  /** Many authors within the hour, far above the rate this text had before (a chronic template's). */
  private isCampaign(group: Group, now: number): boolean {
    if (group.pages.size < this.config.campaignMinPages) return false;
    const windowStart = now - this.config.campaignWindowMs;
    const authors = this.authorsSince(group, windowStart);
    if (authors < this.config.campaignMinAuthors) return false;
    const windowHours = this.config.campaignWindowMs / HOUR_MS;
    const lambda = Math.max(
      this.config.campaignPriorPerHour * windowHours,
      this.ownExpectation(group, windowStart, windowStart, now),
    );
    return poissonUpperTail(authors, lambda) < this.config.alpha;
  }

  // ---- incidents ---------------------------------------------------------------------------------

  private incident(
    comment: DetectorComment,
    allFeatures: TextFeatures,
    member: Member,
    now: number,
    events: DetectorEvent[],
  ): void {
    const place = this.placeOf(comment, allFeatures);
    // A town's name is where, not what: «В Бердске: нет воды» and «нет воды» on Бердск's own page say the
    // same thing, and the place is matched apart (placesAgree).
    const features = this.withoutPlaceNames(comment.region, allFeatures);
    if (features.stems.length === 0) return;
    member.stems = features.stems;
    this.baseline.count(rateKey(comment.region, place.key, comment.category), now);
    if (place.key !== '') this.baseline.count(rateKey(comment.region, '', comment.category), now);
    this.baseline.count(rateKey('*', '', comment.category), now);
    if (place.key !== '' && features.street !== null)
      this.baseline.count(streetRateKey(comment.region, place.key, comment.category, features.street), now);

    if (this.config.topicHalfLifeMs > 0) this.topics.add(comment.region, place.key, features.stems, now);

    const weights = features.stems.map((s) => this.idf.weight(s));
    let squares = 0;
    for (const w of weights) squares += w * w;
    const norm = Math.sqrt(squares);

    // Groups are per region, not per category: the classifier files one problem's paraphrases under two
    // or three categories («нет воды» ЖКХ, «прорвало трубу» ЧС), and the text decides instead.
    let list = this.groups.get(comment.region);
    if (list === undefined) this.groups.set(comment.region, (list = []));
    let write = 0;
    for (const group of list) if (this.isLive(group, now)) list[write++] = group;
    list.length = write;
    let best: Group | undefined;
    let bestScore = this.config.joinThreshold;
    const mark = this.dotsWith(comment.region, features, weights, list);
    // The list is in creation order already: reading the marked groups off it spares a sort.
    for (const group of list) {
      if (group.mark !== mark || !placesAgree(place.key, group.placeKey)) continue;
      // An open incident is preferred to a candidate: a rival candidate would split it.
      const score =
        matchScore(group.dot, norm, features.street, group) * (group.id !== null ? OPEN_PREFERENCE : 1);
      if (score >= bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (best === undefined) {
      best = this.newGroup('incident', comment, place.key, place.name);
      list.push(best);
    } else if (best.placeKey === '' && place.key !== '') {
      best.placeKey = place.key;
      best.municipality = place.name;
    }
    this.addMember(best, member, comment);
    if (member.wave !== null) best.waves.set(member.wave, (best.waves.get(member.wave) ?? 0) + 1);
    this.profile(best, features);
    if (best.id === null && best.total >= 2) this.absorbSiblings(best);
    if (best.id !== null) this.report(best, 'UPDATED', comment.postedAt, events);
    else if (this.isBurst(best, now)) this.openOrMerge(best, list, comment.postedAt, events);
    else if (member.street !== null && place.key !== '') {
      const burst = this.streetBurst(place.key, member.street, list, now);
      if (burst !== null) this.openOrMerge(burst, list, comment.postedAt, events);
    }
  }

  private isLive(group: Group, now: number): boolean {
    return !group.closed && (group.id !== null || group.lastAt >= now - this.config.candidateQuietMs);
  }

  /**
   * Leaves in each group's `dot` the unnormalised dot product of the comment's stems with its centroid,
   * for the groups of the region that may reach the join threshold, and returns the mark they carry. A
   * group sharing no stem scores at most the street bonus (times the open preference); while that is
   * under the threshold, only the groups the stem index gives for the comment's stems are met, else
   * every group of the list.
   */
  private dotsWith(region: string, features: TextFeatures, weights: number[], list: Group[]): number {
    const mark = this.stemIndex.nextMark();
    if (this.config.joinThreshold <= STREET_BONUS * OPEN_PREFERENCE)
      for (const g of list) {
        g.mark = mark;
        g.dot = 0;
      }
    const index = this.stemIndex.region(region);
    if (index !== undefined)
      for (let i = 0; i < features.stems.length; i++) {
        const stem = features.stems[i] as string;
        const groups = index.get(stem);
        if (groups === undefined) continue;
        const w = weights[i] as number;
        for (const g of groups) {
          if (g.mark !== mark) {
            g.mark = mark;
            g.dot = 0;
          }
          g.dot += w * w * (g.stemCounts.get(stem) as number);
        }
      }
    return mark;
  }

  /**
   * Absorbs into `group` the live candidates of its place (with at least `minTotal` members) whose
   * centroids resemble it (`mergeThreshold`), in creation order; each absorption widens the centroid, so
   * the groups sharing a stem with it are looked up again after one.
   */
  private absorbResembling(group: Group, minTotal: number): void {
    let after = -1;
    const staleBefore = this.clock - this.config.candidateQuietMs;
    const keep = (other: Group): boolean =>
      other !== group &&
      other.seq > after &&
      other.id === null &&
      !other.closed &&
      other.total >= minTotal &&
      other.lastAt >= staleBefore &&
      placesAgree(other.placeKey, group.placeKey);
    for (;;) {
      let absorbed = false;
      const met = this.sharingWithDots(group, group.region, keep);
      if (met.length === 0) return;
      const mark = met[0]!.mark;
      // The region's list is in creation order already: reading the met groups off it spares a sort.
      for (const other of this.groups.get(group.region) ?? []) {
        if (other.mark !== mark || Number.isNaN(other.dot)) continue;
        after = other.seq;
        if (cosineOf(group, other) >= this.config.mergeThreshold) {
          this.absorb(group, other);
          absorbed = true;
          break;
        }
      }
      if (!absorbed) return;
    }
  }

  /**
   * The groups of `region` sharing a stem with `group`'s centroid and passing `keep`, in the order met,
   * each with its centroid's dot product with `group`'s in `dot` (all the groups met carry this lookup's
   * mark; those `keep` left out have a NaN `dot`): one pass over the group's stems, each stem's weight
   * read once, instead of one centroidSimilarity per group.
   */
  private sharingWithDots(group: Group, region: string, keep: (other: Group) => boolean): Group[] {
    const index = this.stemIndex.region(region);
    if (index === undefined) return [];
    const mark = this.stemIndex.nextMark();
    const met: Group[] = [];
    for (const [stem, count] of group.stemCounts) {
      const groups = index.get(stem);
      if (groups === undefined) continue;
      const w = this.idf.weight(stem);
      const mass = w * w * count;
      for (const other of groups) {
        if (other.mark !== mark) {
          other.mark = mark;
          // A group left out stays NaN, so adding to it changes nothing.
          other.dot = keep(other) ? 0 : NaN;
          if (other.dot === 0) met.push(other);
        }
        other.dot += mass * (other.stemCounts.get(stem) as number);
      }
    }
    return met;
  }

  /**
   * The street zone tested across candidates: one problem on one street, worded apart, often lands in
   * several small candidates (each under `minAuthors`), so the zone counts the authors naming the street
   * in every candidate of the place whose members mostly name it. When that count is improbable for the
   * street (its own learned rate before the window, at `alpha / 2` as the in-group street test), the
   * candidates become one group, returned to be opened; else null. A candidate about several streets (a
   * chronic topic of the town) is not the street's and stays out.
   */
  private streetBurst(placeKey: string, street: string, list: Group[], now: number): Group | null {
    const zone: Group[] = [];
    for (const g of list)
      // streets (the profiled members') first: a cheap test before dominantStreet reads the members.
      if (
        g.id === null &&
        !g.closed &&
        g.placeKey === placeKey &&
        g.streets.has(street) &&
        dominantStreet(g) === street
      )
        zone.push(g);
    if (zone.length < 2) return null;
    const categories = new Set<string>();
    for (const g of zone) for (const c of g.categories.keys()) categories.add(c);
    for (const windowMs of this.config.scanWindowsMs) {
      const windowStart = now - windowMs;
      const authors = new Set<string>();
      let first = now;
      for (const g of zone)
        for (const m of g.recent)
          if (m.at >= windowStart && m.street === street) {
            authors.add(m.authorId);
            first = Math.min(first, m.at);
          }
      if (authors.size < this.config.minAuthors) continue;
      let learned = 0;
      for (const c of categories)
        learned += this.baseline.learnedPerHour(
          streetRateKey(zone[0]!.region, placeKey, c, street),
          now,
          windowStart,
        );
      const perHour = Math.max(this.config.priorRatePerHour * this.config.chanceShare, learned);
      const spanHours = Math.max(this.config.minSpanMs, now - first) / HOUR_MS;
      if (poissonUpperTail(authors.size, perHour * spanHours) >= this.config.alpha / 2) continue;
      zone.sort((a, b) => b.total - a.total || a.firstAt - b.firstAt);
      const into = zone[0]!;
      for (const g of zone.slice(1)) this.absorb(into, g);
      if (this.isThreadChatter(into) || this.isCopyWave(into, now) || !this.isFocused(into)) return null;
      return into;
    }
    return null;
  }

  /**
   * A burst that is the same problem as an open incident of its region joins it; else it opens, and takes
   * in the candidates of its region and category that are about the same problem (a fast burst's first
   * comments, each worded its own way, start several candidates at once).
   */
  private openOrMerge(group: Group, list: Group[], at: number, events: DetectorEvent[]): void {
    let target: Group | undefined;
    let best = this.config.openMergeThreshold;
    for (const open of this.open) {
      if (open.type !== 'incident' || open.region !== group.region) continue;
      if (!placesAgree(open.placeKey, group.placeKey)) continue;
      // One street (or route) of one place with two bursts at once is one problem worded two ways.
      // A burst of short questions («Когда включат отопление?») beside an open incident of its place is
      // its echo: its words are a part of the incident's, which a cosine against the incident's wide
      // centroid understates; containment does not.
      // Two bursts in one town at the same hours are most likely one problem (two independent rare
      // bursts coinciding in place and time are improbable), so less text evidence is needed then: a
      // word of weight in common (a wave of «Когда откачают воду?» beside a flood on Пушкина).
      const coincident = this.coincides(open, group, at);
      const s = Math.max(
        this.centroidSimilarity(open, group),
        sharesStreet(open, group) && open.placeKey !== '' ? 1 : 0,
        open.placeKey !== '' ? this.containment(group, open) - CONTAINMENT_OFFSET : 0,
        coincident
          ? this.containment(group, open) - this.config.coincidentContainment + this.config.openMergeThreshold
          : 0,
      );
      if (s >= best) {
        target = open;
        best = s;
      }
    }
    if (target !== undefined) {
      this.absorb(target, group);
      this.report(target, 'UPDATED', at, events);
      return;
    }
    this.absorbResembling(group, 0);
    this.openGroup(group, at, events);
  }

  /**
   * Whether a burst of `group` at `at` coincides with the open incident `open`: the same known place,
   * the incident young (begun within the longest scan window) and still active (a member within the
   * hour), and the burst's most common category one the incident's members are filed under (at least
   * `COINCIDENT_CATEGORY_SHARE` of them): a big city has a traffic-light failure and a heating outage at
   * once, and those are two problems. A burst about a street or route the incident's members never
   * name (a bus route beside a traffic light on Ленина) is another problem too.
   */
  private coincides(open: Group, group: Group, at: number): boolean {
    if (this.config.coincidentContainment >= 1) return false;
    if (
      open.placeKey === '' ||
      open.placeKey !== group.placeKey ||
      open.firstAt < at - this.config.scanWindowMs ||
      open.lastAt < at - HOUR_MS
    )
      return false;
    const street = dominantStreet(group);
    if (street !== null && !open.streets.has(street)) return false;
    let top: string | null = null;
    let most = 0;
    for (const [category, count] of group.categories)
      if (count > most) {
        most = count;
        top = category;
      }
    return top !== null && (open.categories.get(top) ?? 0) >= COINCIDENT_CATEGORY_SHARE * open.total;
  }

  /**
   * Candidates of one place and category whose centroids have come to resemble each other are one
   * problem worded several ways: they become one group before the test counts its authors.
   */
  private absorbSiblings(group: Group): void {
    this.absorbResembling(group, 2);
  }

  /** Moves `from`'s members and profile into `into`; `from` is closed. */
  private absorb(into: Group, from: Group): void {
    from.closed = true;
    const members = new Set(into.recent.map((m) => m.key));
    for (const m of from.recent) {
      if (members.has(m.key)) continue;
      into.pending.push(m);
      into.recent.push(m);
      into.total++;
    }
    into.recent.sort((a, b) => a.at - b.at);
    into.firstAt = Math.min(into.firstAt, from.firstAt);
    into.lastAt = Math.max(into.lastAt, from.lastAt);
    for (const [stem, count] of from.stemCounts) {
      const had = into.stemCounts.get(stem);
      into.stemCounts.set(stem, (had ?? 0) + count);
      if (had === undefined && into.type === 'incident') this.stemIndex.add(into.region, stem, into);
    }
    for (const street of from.streets) into.streets.add(street);
    for (const [thread, count] of from.threads) {
      const start = from.threadStart.get(thread) ?? 0;
      into.threads.set(thread, (into.threads.get(thread) ?? 0) + count);
      into.threadStart.set(thread, Math.min(start, into.threadStart.get(thread) ?? start));
    }
    for (const page of from.pages) if (into.pages.size < 64) into.pages.add(page);
    for (const author of from.authors) if (into.authors.size < MAX_AUTHORS) into.authors.add(author);
    for (const m of from.municipalities)
      if (into.municipalities.size < MAX_MUNICIPALITIES) into.municipalities.add(m);
    for (const [stem, word] of from.words) if (!into.words.has(stem)) into.words.set(stem, word);
    for (const [wave, count] of from.waves) into.waves.set(wave, (into.waves.get(wave) ?? 0) + count);
    for (const [category, count] of from.categories)
      into.categories.set(category, (into.categories.get(category) ?? 0) + count);
    into.profiled += from.profiled;
    into.norm = this.normOf(into);
  }

  /** The share of `part`'s IDF-weighted stem mass whose stems `whole`'s members also use. */
  private containment(part: Group, whole: Group): number {
    let inside = 0;
    let all = 0;
    for (const [stem, count] of part.stemCounts) {
      const w = this.idf.weight(stem);
      const mass = w * w * count;
      all += mass;
      if (whole.stemCounts.has(stem)) inside += mass;
    }
    return all > 0 ? inside / all : 0;
  }

  private centroidSimilarity(a: Group, b: Group): number {
    if (a.norm <= 0 || b.norm <= 0) return 0;
    const [small, large] = a.stemCounts.size <= b.stemCounts.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [stem, count] of small.stemCounts) {
      const other = large.stemCounts.get(stem);
      if (other === undefined) continue;
      const w = this.idf.weight(stem);
      dot += w * w * count * other;
    }
    return dot / (a.norm * b.norm);
  }

  private normOf(group: Group): number {
    let squares = 0;
    for (const [stem, count] of group.stemCounts) {
      const w = this.idf.weight(stem) * count;
      squares += w * w;
    }
    return Math.sqrt(squares);
  }

  private profile(group: Group, features: TextFeatures): void {
    if (group.profiled >= PROFILE_MEMBERS) return;
    group.profiled++;
    features.stems.forEach((s, i) => {
      const had = group.stemCounts.get(s);
      group.stemCounts.set(s, (had ?? 0) + 1);
      if (had === undefined && group.type === 'incident') this.stemIndex.add(group.region, s, group);
      if (!group.words.has(s)) group.words.set(s, features.words[i] as string);
    });
    if (features.street !== null) group.streets.add(features.street);
    group.norm = this.normOf(group);
  }

  /**
   * The Poisson scan test of docs/incidents.md#incidents-grouping-then-a-poisson-scan-test, at each of
   * the configured window lengths and over two zones (the place's category, and the street or route the
   * members name), each at alpha / 2: a group opens when any of them passes.
   */
  private isBurst(group: Group, now: number): boolean {
    if (this.isThreadChatter(group) || this.isCopyWave(group, now) || !this.isFocused(group)) return false;
    const alpha = this.config.alpha / 2;
    for (const windowMs of this.config.scanWindowsMs) {
      const windowStart = now - windowMs;
      const authors = this.authorsSince(group, windowStart);
      if (authors < this.config.minAuthors) continue;
      const start = Math.max(group.firstAt, windowStart);
      const spanHours = Math.max(this.config.minSpanMs, now - start) / HOUR_MS;
      // A group that was already there before the window is a topic with a rate of its own.
      const ownLambda = this.ownExpectation(group, windowStart, start, now);
      const perHour = this.zoneRate(group, now, now, (c) => rateKey(group.region, group.placeKey, c), true);
      const topicLambda = this.topicExpectation(group, now, start, spanHours);
      const placeLambda = Math.max(ownLambda, topicLambda, perHour * spanHours * this.config.chanceShare);
      if (
        poissonUpperTail(authors, placeLambda) < alpha &&
        this.notCommonElsewhere(group, authors, placeLambda, windowStart, now, alpha)
      )
        return true;
      const street = this.streetCount(group, windowStart);
      if (street === null || street.authors < this.config.minAuthors) continue;
      // A street's prior is the chance share of its place's: the floor of one group of the place.
      const streetPerHour = Math.max(
        this.config.priorRatePerHour * this.config.chanceShare,
        this.zoneRate(
          group,
          now,
          windowStart,
          (c) => streetRateKey(group.region, group.placeKey, c, street.street),
          false,
        ),
      );
      const streetLambda = Math.max(ownLambda, topicLambda, streetPerHour * spanHours);
      if (
        poissonUpperTail(street.authors, streetLambda) < alpha &&
        this.notCommonElsewhere(group, authors, placeLambda, windowStart, now, alpha)
      )
        return true;
    }
    return false;
  }

  /** The place's usual count of comments about the group's defining words over the span (topics.ts). */
  private topicExpectation(group: Group, now: number, start: number, spanHours: number): number {
    if (this.config.topicHalfLifeMs <= 0) return 0;
    const window = group.recent.filter((m) => m.at >= start).map((m) => m.stems);
    const from = now - spanHours * HOUR_MS;
    return this.topics.expected(
      group.region,
      group.placeKey,
      group.stemCounts,
      group.profiled,
      window,
      from,
      now + 1,
    );
  }

  /**
   * The usual hourly rate of the zone the group is in: the sum over the categories its members were filed
   * under (the zone is the place's union of those categories, so a group spread over three categories is
   * compared with three categories' rate). `floored` applies the prior per category.
   */
  private zoneRate(
    group: Group,
    now: number,
    before: number,
    key: (category: string) => string,
    floored: boolean,
  ): number {
    let rate = 0;
    for (const category of group.categories.keys())
      rate += floored
        ? this.baseline.perHour(key(category), now, before)
        : this.baseline.learnedPerHour(key(category), now, before);
    return rate;
  }

  /**
   * What a group that existed before the window expects in it at its own past rate: its members before
   * the window are the same share of the stream's volume (at least an hour's) as the window's would be.
   * Measured in volume, not hours, so a steady text is not a burst at the evening peak.
   */
  private ownExpectation(group: Group, windowStart: number, spanStart: number, now: number): number {
    if (group.firstAt >= windowStart) return 0;
    const before = group.total - this.membersSince(group, windowStart);
    const pastVolume = Math.max(
      this.volume.between(group.firstAt, windowStart),
      this.volume.between(windowStart - HOUR_MS, windowStart),
    );
    if (pastVolume <= 0) return 0;
    return (before * this.volume.between(spanStart, now + 1)) / pastVolume;
  }

  /** The same topic elsewhere at the same time is a common topic, not this place's problem. */
  private notCommonElsewhere(
    group: Group,
    authors: number,
    lambda: number,
    windowStart: number,
    now: number,
    alpha: number,
  ): boolean {
    const elsewhere = this.authorsElsewhere(group, windowStart);
    if (elsewhere === 0) return true;
    const place = this.zoneRate(group, now, now, (c) => rateKey(group.region, group.placeKey, c), false);
    const everywhere = this.zoneRate(group, now, now, (c) => rateKey('*', '', c), false);
    const share = everywhere > 0 ? Math.min(1, place / everywhere) : 1;
    return poissonUpperTail(authors, Math.max(lambda, (authors + elsewhere) * share)) < alpha;
  }

  /** The street (or route) most of the group's members in the window name, and its distinct authors. */
  private streetCount(group: Group, since: number): { street: string; authors: number } | null {
    if (group.placeKey === '') return null;
    const authorsByStreet = new Map<string, Set<string>>();
    for (const m of group.recent) {
      if (m.at < since || m.street === null) continue;
      let authors = authorsByStreet.get(m.street);
      if (authors === undefined) authorsByStreet.set(m.street, (authors = new Set()));
      authors.add(m.authorId);
    }
    let best: { street: string; authors: number } | null = null;
    for (const [street, authors] of authorsByStreet)
      if (best === null || authors.size > best.authors) best = { street, authors: authors.size };
    return best;
  }

  /**
   * One concrete problem: the classifier files its members under a few categories (a burst pipe under
   * housing, emergencies and roads), so the `FOCUS_CATEGORIES` most common hold `categoryFocus` of them.
   * A group spread over many (housing, ecology, healthcare, education ...) is a town's general
   * complaining that happens to share some words (a stock clause, a street), not an incident.
   */
  private isFocused(group: Group): boolean {
    if (group.categories.size <= FOCUS_CATEGORIES) return true;
    const counts = [...group.categories.values()].sort((a, b) => b - a);
    let top = 0;
    for (let i = 0; i < FOCUS_CATEGORIES; i++) top += counts[i] as number;
    let all = 0;
    for (const n of counts) all += n;
    return top >= this.config.categoryFocus * all;
  }

  /**
   * Copies of one text from many accounts are a campaign's shape: the group waits until the wave's
   * campaign test has had its hour, and never opens as an incident once the wave opened as a campaign.
   */
  private isCopyWave(group: Group, now: number): boolean {
    for (const [wave, count] of group.waves) {
      if (count < WAVE_SHARE * group.total) continue;
      if (wave.group.id !== null) return true;
      if (
        wave.group.pages.size >= this.config.campaignMinPages &&
        wave.group.firstAt >= now - this.config.campaignWindowMs
      )
        return true;
    }
    return false;
  }

  /**
   * Authors in the window of the groups of the same category in other places whose centroid resembles
   * this group's: the space-time permutation idea (Kulldorff et al. 2005), where a place's expected count
   * is its share of the topic's count everywhere.
   */
  private authorsElsewhere(group: Group, since: number): number {
    let n = 0;
    for (const region of this.stemIndex.regions()) {
      const keep = (other: Group): boolean => other !== group && !other.closed && other.lastAt >= since;
      for (const other of this.sharingWithDots(group, region, keep)) {
        if (other.region === group.region && placesAgree(other.placeKey, group.placeKey)) continue;
        if (cosineOf(group, other) >= this.config.mergeThreshold) n += this.authorsSince(other, since);
      }
    }
    return n;
  }

  /**
   * A popular post's comments: the group lives in a few threads (`CHATTER_THREADS`: a post and its
   * repost, or two posts of one event) and is a small part of what those threads got since the group
   * began there (many people, many things said, some of them alike). A real problem's complaints are
   * spread over the pages' posts, or are most of what their thread says.
   */
  private isThreadChatter(group: Group): boolean {
    const counts = [...group.threads].sort((a, b) => b[1] - a[1]).slice(0, CHATTER_THREADS);
    let members = 0;
    let threadSince = 0;
    for (const [thread, count] of counts) {
      members += count;
      threadSince += (this.threads.get(thread) ?? 0) - (group.threadStart.get(thread) ?? 0);
    }
    if (members < CHATTER_CONCENTRATION * group.total) return false;
    return members < this.config.threadShare * threadSince;
  }

  // ---- groups ------------------------------------------------------------------------------------

  private newGroup(
    type: IncidentType,
    comment: DetectorComment,
    placeKey: string,
    municipality: string | null,
  ): Group {
    return {
      seq: this.nextSeq++,
      mark: 0,
      dot: 0,
      type,
      id: null,
      region: comment.region,
      category: comment.category,
      placeKey,
      municipality,
      firstKey: comment.key,
      firstAt: comment.postedAt,
      lastAt: comment.postedAt,
      pending: [],
      recent: [],
      total: 0,
      threads: new Map(),
      threadStart: new Map(),
      stemCounts: new Map(),
      profiled: 0,
      norm: 0,
      streets: new Set(),
      pages: new Set(),
      authors: new Set(),
      municipalities: new Set(),
      words: new Map(),
      waves: new Map(),
      categories: new Map(),
      closed: false,
    };
  }

  private addMember(group: Group, member: Member, comment: DetectorComment): void {
    const { pageId, threadId, municipality } = comment;
    if (group.authors.size < MAX_AUTHORS) group.authors.add(member.authorId);
    if (municipality !== null && group.municipalities.size < MAX_MUNICIPALITIES)
      group.municipalities.add(municipality);
    group.lastAt = Math.max(group.lastAt, member.at);
    group.total++;
    group.categories.set(comment.category, (group.categories.get(comment.category) ?? 0) + 1);
    const inThread = group.threads.get(threadId);
    if (inThread !== undefined) group.threads.set(threadId, inThread + 1);
    else if (group.threads.size < 64) {
      group.threads.set(threadId, 1);
      group.threadStart.set(threadId, (this.threads.get(threadId) ?? 1) - 1);
    }
    group.pending.push(member);
    group.recent.push(member);
    if (group.pages.size < 64) group.pages.add(pageId);
    // Keep only the scan window's members for the test; a candidate's report list is the same list.
    const windowStart = member.at - this.config.scanWindowMs;
    if ((group.recent[0] as Member).at < windowStart) {
      group.recent = group.recent.filter((m) => m.at >= windowStart);
      if (group.id === null) group.pending = group.recent.slice();
    }
  }

  private membersSince(group: Group, since: number): number {
    let n = 0;
    for (const m of group.recent) if (m.at >= since) n++;
    return n;
  }

  private authorsSince(group: Group, since: number): number {
    const authors = new Set<string>();
    for (const m of group.recent) if (m.at >= since) authors.add(m.authorId);
    return authors.size;
  }

  private openGroup(group: Group, at: number, events: DetectorEvent[]): void {
    // The category the OPENED line gives: most members', the first seen on a tie.
    let most = 0;
    for (const [category, count] of group.categories)
      if (count > most) {
        most = count;
        group.category = category;
      }
    const seed = `${group.type}|${group.region}|${group.category}|${group.firstKey}`;
    const prefix = group.type === 'campaign' ? 'cmp' : 'inc';
    group.id = `${prefix}-${hex32(fnv1a(seed))}${hex32(fnv1a(seed, 0x2545f491))}`;
    if (group.type === 'campaign') group.municipality = null;
    this.open.push(group);
    this.report(group, 'OPENED', at, events);
  }

  private report(group: Group, kind: 'OPENED' | 'UPDATED', at: number, events: DetectorEvent[]): void {
    events.push(
      this.event(
        group,
        kind,
        at,
        group.pending.map((m) => m.key),
      ),
    );
    group.pending = [];
  }

  private event(group: Group, kind: DetectorEvent['kind'], at: number, ids: string[]): DetectorEvent {
    return {
      incident_id: group.id as string,
      kind,
      type: group.type,
      at,
      region: group.region,
      municipality: group.municipality,
      category: group.category,
      comment_ids: ids,
      detail: this.detailOf(group),
    };
  }

  private detailOf(group: Group): IncidentDetail {
    // Common words: most members' first, the rarer (IDF) breaking ties; a campaign has no profile, so
    // its title comes from the category alone.
    const words = [...group.stemCounts]
      .filter(([, count]) => count >= 2 || group.profiled <= 1)
      .map(([stem, count]) => ({ stem, count, weight: this.idf.weight(stem) }))
      .sort((a, b) => b.count - a.count || b.weight - a.weight || (a.stem < b.stem ? -1 : 1))
      .slice(0, TITLE_WORDS)
      .map((w) => group.words.get(w.stem) ?? w.stem);
    return {
      size: group.total,
      authors: group.authors.size,
      pages: group.pages.size,
      municipalities: [...group.municipalities].sort(),
      firstAt: group.firstAt,
      lastAt: group.lastAt,
      words,
    };
  }

  private closeQuiet(now: number, at: number, events: DetectorEvent[]): void {
    let write = 0;
    for (const group of this.open) {
      const quiet = group.type === 'campaign' ? this.config.campaignWindowMs : this.config.quietMs;
      if (group.lastAt < now - quiet) {
        group.closed = true;
        events.push(this.event(group, 'CLOSED', at, []));
      } else this.open[write++] = group;
    }
    this.open.length = write;
  }

  /** Forgets what no longer matters: old comment keys, quiet near-duplicate groups and candidates. */
  private sweep(now: number): void {
    const keysBefore = now - this.config.seenRetentionMs;
    this.volume.forget(keysBefore);
    this.topics.forget(keysBefore);
    for (const [key, at] of this.seen) if (at < keysBefore) this.seen.delete(key);
    const nearBefore = now - 2 * this.config.campaignWindowMs;
    for (const nd of this.nearDuplicates) {
      if (nd.group.id !== null && !nd.group.closed) continue;
      if (nd.group.lastAt >= nearBefore && !nd.group.closed) continue;
      this.nearDuplicates.delete(nd);
      for (const key of nd.bands) if (this.bands.get(key) === nd) this.bands.delete(key);
    }
    const candidatesBefore = now - this.config.candidateQuietMs;
    for (const [thread, at] of this.threadSeen) {
      if (at >= candidatesBefore - this.config.scanWindowMs) continue;
      this.threadSeen.delete(thread);
      this.threads.delete(thread);
    }
    for (const [key, list] of this.groups) {
      const live = list.filter((g) => !g.closed && (g.id !== null || g.lastAt >= candidatesBefore));
      if (live.length === 0) this.groups.delete(key);
      else this.groups.set(key, live);
    }
    this.stemIndex.rebuild(this.groups);
  }
}

/**
 * The place key of the region's gazetteer a text's stem names: the same key, or one that differs from it
 * by an ending Snowball left (the page's «Абакан» stems to "абака", the text's «в Абакане» to "абакан").
 */
function placeByStem(places: ReadonlyMap<string, string>, stem: string): string | null {
  if (places.has(stem)) return stem;
  if (stem.length < 4) return null;
  for (const key of places.keys()) {
    if (key.length < 4) continue;
    const [short, long] = key.length <= stem.length ? [key, stem] : [stem, key];
    if (long.length - short.length <= PLACE_ENDING && long.startsWith(short)) return key;
  }
  return null;
}

function rateKey(region: string, placeKey: string, category: string): string {
  return `${region}|${placeKey}|${category}`;
}

function streetRateKey(region: string, placeKey: string, category: string, street: string): string {
  return `${region}|${placeKey}|${category}|@${street}`;
}

/**
 * The street or route the group is about: named by at least half of its recent members that name one,
 * and by `STREET_SHARE` of all of them (a town's chronic topic names a different street each time).
 */
function dominantStreet(group: Group): string | null {
  const counts = new Map<string, number>();
  let naming = 0;
  for (const m of group.recent) {
    if (m.street === null) continue;
    naming++;
    counts.set(m.street, (counts.get(m.street) ?? 0) + 1);
  }
  for (const [street, n] of counts)
    if (2 * n >= naming && n >= STREET_SHARE * group.recent.length) return street;
  return null;
}

function sharesStreet(a: Group, b: Group): boolean {
  for (const street of a.streets) if (b.streets.has(street)) return true;
  return false;
}

function placesAgree(a: string, b: string): boolean {
  return a === '' || b === '' || a === b;
}

/**
 * Cosine similarity of the comment (its stems, IDF-weighted) and the group's centroid (each stem's count
 * among the profiled members, IDF-weighted), plus a bonus when the street agrees. A group that gathers
 * unrelated comments gets a diffuse centroid that no single comment resembles, so it stops growing.
 */
function matchScore(dot: number, norm: number, street: string | null, group: Group): number {
  if (norm <= 0 || group.norm <= 0) return 0;
  let score = dot / (norm * group.norm);
  if (street !== null && group.streets.has(street)) score += STREET_BONUS;
  return score;
}

/** The cosine of two centroids whose dot product `sharingWithDots` left in `b.dot`. */
function cosineOf(a: Group, b: Group): number {
  return a.norm > 0 && b.norm > 0 ? b.dot / (a.norm * b.norm) : 0;
}
