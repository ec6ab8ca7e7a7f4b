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
import type { DetectorComment, IncidentEvent, IncidentType } from './types.js';

const HOUR_MS = 3_600_000;
const NEVER_MEMBERS = new Set(['OFFICIAL', 'BOT', 'MEDIA']);
/** Members whose stems make up a group's profile; later members only count. */
const PROFILE_MEMBERS = 40;
const STREET_BONUS = 0.15;
/** How much more an open incident's match counts than a candidate's. */
const OPEN_PREFERENCE = 1.5;
/** A stem counts fully in a group's profile when this share of its members use it. */
const PROFILE_SHARE = 0.25;
const SWEEP_EVERY = 2048;

interface Member {
  key: string;
  authorId: string;
  at: number;
}

interface Group {
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
  streets: Set<string>;
  pages: Set<string>;
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
  private readonly open: Group[] = [];
  private readonly bands = new Map<string, NearDuplicates>();
  private readonly nearDuplicates = new Set<NearDuplicates>();
  /** Comments per thread (kept while the thread is active; swept with the candidates). */
  private readonly threads = new Map<string, number>();
  private readonly threadSeen = new Map<string, number>();
  private clock = -Infinity;
  private processed = 0;

  constructor(config: Partial<DetectorConfig> = {}) {
    this.config = { ...DEFAULT_DETECTOR_CONFIG, ...config };
    this.idf = new IdfTable(this.config.idfHalfLifeDocs);
    this.baseline = new HourlyBaseline(this.config.ewmaWeight, this.config.priorRatePerHour);
  }

  /** The events this comment causes, in order. */
  process(comment: DetectorComment): IncidentEvent[] {
    const now = Math.max(this.clock, comment.postedAt);
    this.clock = now;
    const events: IncidentEvent[] = [];
    this.closeQuiet(now, comment.postedAt, events);
    if (++this.processed % SWEEP_EVERY === 0) this.sweep(now);
    if (!this.isNew(comment)) return events;
    if (comment.municipality !== null) this.learnPlace(comment.region, comment.municipality);
    if (!this.mayBeMember(comment)) return events;
    this.threads.set(comment.threadId, (this.threads.get(comment.threadId) ?? 0) + 1);
    this.threadSeen.set(comment.threadId, comment.postedAt);

    const features = featuresOf(comment.text);
    const member: Member = { key: comment.key, authorId: comment.authorId, at: comment.postedAt };
    const diverted = this.nearDuplicate(comment, features, member, now, events);
    if (!diverted && comment.type !== 'gratitude') this.incident(comment, features, member, now, events);
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
        const name = places.get(stem);
        if (name !== undefined) return { key: stem, name };
      }
    }
    return { key: '', name: null };
  }

  // ---- campaigns ---------------------------------------------------------------------------------

  /** Returns whether the comment belongs to a copy-paste wave and so stays out of incidents. */
  private nearDuplicate(
    comment: DetectorComment,
    features: TextFeatures,
    member: Member,
    now: number,
    events: IncidentEvent[],
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
    this.addMember(group, member, comment.pageId, comment.threadId);
    best.authors.add(comment.authorId);
    if (group.id !== null) this.report(group, 'UPDATED', comment.postedAt, events);
    else if (this.isCampaign(group, now)) this.openGroup(group, comment.postedAt, events);
    return (
      group.id !== null || (best.authors.size >= this.config.campaignDivertAuthors && group.pages.size >= 2)
    );
  }

  /** Many authors within the hour, far above the rate this text had before (a chronic template's). */
  private isCampaign(group: Group, now: number): boolean {
    if (group.pages.size < this.config.campaignMinPages) return false;
    const windowStart = now - this.config.campaignWindowMs;
    const authors = this.authorsSince(group, windowStart);
    if (authors < this.config.campaignMinAuthors) return false;
    const windowHours = this.config.campaignWindowMs / HOUR_MS;
    let perHour = this.config.campaignPriorPerHour;
    const pastHours = (windowStart - group.firstAt) / HOUR_MS;
    if (pastHours > 0)
      perHour = Math.max(
        perHour,
        (group.total - this.membersSince(group, windowStart)) / Math.max(1, pastHours),
      );
    return poissonUpperTail(authors, perHour * windowHours) < this.config.alpha;
  }

  // ---- incidents ---------------------------------------------------------------------------------

  private incident(
    comment: DetectorComment,
    features: TextFeatures,
    member: Member,
    now: number,
    events: IncidentEvent[],
  ): void {
    if (features.stems.length === 0) return;
    const place = this.placeOf(comment, features);
    this.baseline.count(rateKey(comment.region, place.key, comment.category), now);
    if (place.key !== '') this.baseline.count(rateKey(comment.region, '', comment.category), now);

    const weights = features.stems.map((s) => this.idf.weight(s));
    let total = 0;
    for (const w of weights) total += w;

    const groupKey = `${comment.region}|${comment.category}`;
    let list = this.groups.get(groupKey);
    if (list === undefined) this.groups.set(groupKey, (list = []));
    let best: Group | undefined;
    let bestScore = this.config.joinThreshold;
    let write = 0;
    for (const group of list) {
      if (group.closed || (group.id === null && group.lastAt < now - this.config.candidateQuietMs)) continue;
      list[write++] = group;
      if (!placesAgree(place.key, group.placeKey)) continue;
      // An open incident is preferred to a candidate: a rival candidate would split it.
      const score = matchScore(features, weights, total, group) * (group.id !== null ? OPEN_PREFERENCE : 1);
      if (score >= bestScore) {
        best = group;
        bestScore = score;
      }
    }
    list.length = write;
    // A paraphrase the classifier filed under another category may still join an open incident.
    for (const group of this.open) {
      if (group.type !== 'incident' || group.region !== comment.region || group.category === comment.category)
        continue;
      if (!placesAgree(place.key, group.placeKey)) continue;
      const score = matchScore(features, weights, total, group);
      if (score >= Math.max(bestScore, this.config.crossCategoryThreshold)) {
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
    this.addMember(best, member, comment.pageId, comment.threadId);
    this.profile(best, features);
    if (best.id !== null) this.report(best, 'UPDATED', comment.postedAt, events);
    else if (this.isBurst(best, now)) this.openGroup(best, comment.postedAt, events);
  }

  private profile(group: Group, features: TextFeatures): void {
    if (group.profiled >= PROFILE_MEMBERS) return;
    group.profiled++;
    for (const s of features.stems) group.stemCounts.set(s, (group.stemCounts.get(s) ?? 0) + 1);
    if (features.street !== null) group.streets.add(features.street);
  }

  /**
   * The Poisson scan test of docs/incidents.md#incidents-grouping-then-a-poisson-scan-test, at each of
   * the configured window lengths: a group opens when any window passes.
   */
  private isBurst(group: Group, now: number): boolean {
    if (this.isThreadChatter(group)) return false;
    for (const windowMs of this.config.scanWindowsMs) {
      const windowStart = now - windowMs;
      const authors = this.authorsSince(group, windowStart);
      if (authors < this.config.minAuthors) continue;
      const start = Math.max(group.firstAt, windowStart);
      const spanHours = Math.max(this.config.minSpanMs, now - start) / HOUR_MS;
      const perHour = this.baseline.perHour(rateKey(group.region, group.placeKey, group.category), now);
      let lambda = perHour * spanHours * this.config.chanceShare;
      // A group that was already there before the window is a topic with a rate of its own.
      const pastHours = (windowStart - group.firstAt) / HOUR_MS;
      if (pastHours > 0) {
        const before = group.total - this.membersSince(group, windowStart);
        lambda = Math.max(lambda, (before / Math.max(1, pastHours)) * spanHours);
      }
      if (poissonUpperTail(authors, lambda) < this.config.alpha) return true;
    }
    return false;
  }

  /**
   * A popular post's comments: the group lives in one thread and is a small part of what that thread got
   * since the group began there (many people, many things said, some of them alike).
   */
  private isThreadChatter(group: Group): boolean {
    let top = '';
    let topCount = 0;
    for (const [thread, count] of group.threads) {
      if (count > topCount) {
        top = thread;
        topCount = count;
      }
    }
    if (topCount < 0.8 * group.total) return false;
    const threadSince = (this.threads.get(top) ?? 0) - (group.threadStart.get(top) ?? 0);
    return topCount < this.config.threadShare * threadSince;
  }

  // ---- groups ------------------------------------------------------------------------------------

  private newGroup(
    type: IncidentType,
    comment: DetectorComment,
    placeKey: string,
    municipality: string | null,
  ): Group {
    return {
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
      streets: new Set(),
      pages: new Set(),
      closed: false,
    };
  }

  private addMember(group: Group, member: Member, pageId: string, threadId: string): void {
    group.lastAt = Math.max(group.lastAt, member.at);
    group.total++;
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

  private openGroup(group: Group, at: number, events: IncidentEvent[]): void {
    const seed = `${group.type}|${group.region}|${group.category}|${group.firstKey}`;
    const prefix = group.type === 'campaign' ? 'cmp' : 'inc';
    group.id = `${prefix}-${hex32(fnv1a(seed))}${hex32(fnv1a(seed, 0x2545f491))}`;
    if (group.type === 'campaign') group.municipality = null;
    this.open.push(group);
    this.report(group, 'OPENED', at, events);
  }

  private report(group: Group, kind: 'OPENED' | 'UPDATED', at: number, events: IncidentEvent[]): void {
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

  private event(group: Group, kind: IncidentEvent['kind'], at: number, ids: string[]): IncidentEvent {
    return {
      incident_id: group.id as string,
      kind,
      type: group.type,
      at,
      region: group.region,
      municipality: group.municipality,
      category: group.category,
      comment_ids: ids,
    };
  }

  private closeQuiet(now: number, at: number, events: IncidentEvent[]): void {
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
  }
}

function rateKey(region: string, placeKey: string, category: string): string {
  return `${region}|${placeKey}|${category}`;
}

function placesAgree(a: string, b: string): boolean {
  return a === '' || b === '' || a === b;
}

/**
 * The IDF-weighted share of the comment's stems the group uses: a stem counts fully when at least a
 * quarter of the group's profiled members use it, proportionally less when fewer do; the street adds a
 * bonus.
 */
function matchScore(features: TextFeatures, weights: number[], total: number, group: Group): number {
  if (total <= 0 || group.profiled === 0) return 0;
  let shared = 0;
  const full = Math.max(1, group.profiled * PROFILE_SHARE);
  for (let i = 0; i < features.stems.length; i++) {
    const count = group.stemCounts.get(features.stems[i] as string);
    if (count !== undefined) shared += (weights[i] as number) * Math.min(1, count / full);
  }
  let score = shared / total;
  if (features.street !== null && group.streets.has(features.street)) score += STREET_BONUS;
  return score;
}
