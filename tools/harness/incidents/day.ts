/**
 * One synthetic day of comments with ground truth (issue #17, item 7): a daily rhythm over a dozen
 * regions, the varied background of tools/harness/comment-texts.ts, chronic topics in the big towns,
 * near-misses, popular off-topic threads, cross-posts, spam and officials' replies as decoys; incidents
 * (5 to 80 members, 20 minutes to 6 hours, never in the first 6 hours) and one campaign. Deterministic
 * for a seed.
 */
import type { CommentEvent, Platform } from '../../../services/core/contracts/schema-types.generated.js';
import { createTextGenerator } from '../comment-texts.js';
import { seededRandom } from '../random.js';
import { REGIONS, STREETS, type Region, type Town } from './places.js';
import {
  CAMPAIGN_SWAPS,
  CAMPAIGN_TEXTS,
  CHRONIC_TEXTS,
  CLOSERS,
  GRATITUDE_TEXTS,
  INCIDENT_QUESTIONS,
  INCIDENT_TEXTS,
  OFFICIAL_REPLIES,
  OPENERS,
  SPAM_TEXTS,
  THREAD_CHATTER,
  THREAD_TOPICS,
  type IncidentKind,
} from './texts.js';

export interface TrueIncident {
  id: string;
  type: 'incident' | 'campaign';
  kind: string;
  region: string;
  town: string;
  /** Comment keys (`PLATFORM:comment_id`) of the members. */
  members: string[];
  firstAt: number;
  /** posted_at of each member, by key. */
  memberAt: Map<string, number>;
}

export interface SyntheticDay {
  events: CommentEvent[];
  truth: TrueIncident[];
  startMs: number;
}

export interface DayOptions {
  comments: number;
  incidents: number;
  campaigns: number;
  /** UTC ms of the day's start; local midnight in UTC+7. */
  startMs: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Relative comment rate by local hour: quiet nights, a working-day plateau, an evening peak. */
const RHYTHM = [
  0.3, 0.2, 0.15, 0.12, 0.15, 0.3, 0.7, 1.2, 1.6, 1.8, 1.9, 1.9, 1.8, 1.8, 1.8, 1.9, 2, 2.1, 2.2, 2.2, 2, 1.6,
  1.1, 0.6,
];
const KINDS = Object.keys(INCIDENT_TEXTS) as IncidentKind[];
const PLATFORMS: readonly Platform[] = ['VK', 'VK', 'VK', 'OK', 'TELEGRAM', 'MAX'];

export const DEFAULT_DAY: Readonly<DayOptions> = Object.freeze({
  comments: 15_000,
  incidents: 10,
  campaigns: 1,
  // 2026-11-10T00:00 in UTC+7.
  startMs: Date.UTC(2026, 10, 9, 17, 0, 0),
});

export function syntheticDay(seed: number, options: Partial<DayOptions> = {}): SyntheticDay {
  const o = { ...DEFAULT_DAY, ...options };
  const rnd = seededRandom(seed);
  const texts = createTextGenerator(seed ^ 0x1234567);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const weighted = <T extends { weight: number }>(xs: readonly T[]): T => {
    let r = rnd() * xs.reduce((s, x) => s + x.weight, 0);
    for (const x of xs) if ((r -= x.weight) < 0) return x;
    return xs[xs.length - 1] as T;
  };
  const scale = o.comments / 15_000;
  const events: CommentEvent[] = [];
  const truth: TrueIncident[] = [];
  let seq = 0;

  /** A time of day drawn from the rhythm, at or after `fromHour`. */
  const rhythmTime = (fromHour = 0): number => {
    let total = 0;
    for (let h = fromHour; h < 24; h++) total += RHYTHM[h] as number;
    let r = rnd() * total;
    let hour = fromHour;
    for (; hour < 23; hour++) if ((r -= RHYTHM[hour] as number) < 0) break;
    return o.startMs + hour * HOUR + Math.floor(rnd() * HOUR);
  };
  const pageOf = (region: Region, town: Town | null): { page: string; municipality: string | null } => {
    if (town === null) return { page: `gov-${region.code}`, municipality: null };
    return { page: `adm-${region.code}-${region.towns.indexOf(town)}`, municipality: town.name };
  };
  /** Returning citizens of a region: a few write often, most rarely. */
  const citizen = (region: Region): string => `u${region.code}-${Math.floor(Math.pow(rnd(), 2) * 3000)}`;
  const comment = (
    region: Region,
    town: Town | null,
    text: string,
    at: number,
    author: string,
    kind: CommentEvent['author']['kind'] = 'CITIZEN',
    thread?: string,
  ): CommentEvent => {
    const id = `c${seed}-${(++seq).toString(36)}`;
    const { page, municipality } = pageOf(region, town);
    const event: CommentEvent = {
      event_id: `${id}-p`,
      op: 'POSTED',
      platform: pick(PLATFORMS),
      comment_id: id,
      thread_id: thread ?? `${page}-post-${Math.floor(rnd() * 12)}`,
      parent_comment_id: null,
      page_id: page,
      region: region.code,
      municipality,
      author: { id: author, kind },
      text,
      posted_at: Math.round(at),
      url: null,
    };
    events.push(event);
    return event;
  };
  const placeFor = (region: Region): { town: Town; onRegionPage: boolean } => ({
    town: weighted(region.towns),
    onRegionPage: rnd() < 0.3,
  });
  const fill = (template: string, slots: Record<string, string>): string =>
    template.replace(/\{(\w+)\}/g, (_m, name: string) => slots[name] ?? String(1 + Math.floor(rnd() * 150)));
  const typo = (text: string): string => {
    if (rnd() > 0.25 || text.length < 10) return text;
    const i = 1 + Math.floor(rnd() * (text.length - 2));
    return rnd() < 0.5
      ? text.slice(0, i) + text.slice(i + 1)
      : text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
  };
  const reply = (to: CommentEvent, delayMs: number): void => {
    const at = to.posted_at + delayMs;
    const r: CommentEvent = {
      ...to,
      event_id: `${to.comment_id}-r-p`,
      comment_id: `${to.comment_id}-r`,
      parent_comment_id: to.comment_id,
      author: { id: `official-${to.page_id}`, kind: 'OFFICIAL' },
      text: pick(OFFICIAL_REPLIES),
      posted_at: at,
    };
    events.push(r);
  };

  // ---- background: varied comments under every page, with the day's rhythm --------------------
  const background = Math.round(o.comments * 0.62);
  for (let i = 0; i < background; i++) {
    const region = weighted(REGIONS);
    const { town, onRegionPage } = placeFor(region);
    let text = texts.next().text;
    if (onRegionPage && rnd() < 0.5) text = `${capital(town.in)} ${lower(text)}`;
    const e = comment(region, onRegionPage ? null : town, text, rhythmTime(), citizen(region));
    if (rnd() < 0.12) reply(e, (10 + rnd() * 120) * MINUTE);
    if (rnd() < 0.03)
      events.push({
        ...e,
        event_id: `${e.comment_id}-e`,
        op: 'EDITED',
        text: `${e.text} (upd)`,
        posted_at: e.posted_at + 5 * MINUTE,
      });
    if (rnd() < 0.01)
      events.push({
        ...e,
        event_id: `${e.comment_id}-d`,
        op: 'DELETED',
        text: '',
        posted_at: e.posted_at + 30 * MINUTE,
      });
  }
  // Gratitude.
  for (let i = 0; i < 700 * scale; i++) {
    const region = weighted(REGIONS);
    const { town, onRegionPage } = placeFor(region);
    comment(region, onRegionPage ? null : town, pick(GRATITUDE_TEXTS), rhythmTime(), citizen(region));
  }

  // ---- chronic topics: each big town complains about one or two things all day -----------------
  const chronicKinds = Object.keys(CHRONIC_TEXTS);
  for (const region of REGIONS) {
    const big = region.towns[0] as Town;
    const topics = [pick(chronicKinds), pick(chronicKinds)];
    const perDay = Math.round(region.weight * 14 * scale);
    for (let i = 0; i < perDay; i++) {
      const topic = topics[i % 2] as string;
      const text = typo(
        pick(OPENERS) +
          fill(pick(CHRONIC_TEXTS[topic] as string[]), { street: pick(STREETS) }) +
          pick(CLOSERS),
      );
      const onRegionPage = rnd() < 0.25;
      comment(
        region,
        onRegionPage ? null : big,
        onRegionPage ? `${capital(big.in)} ${lower(text)}` : text,
        rhythmTime(),
        citizen(region),
      );
    }
  }

  // ---- near-misses: a problem two or three people mention; one person's repeated complaint -----
  for (let i = 0; i < 25 * scale; i++) {
    const region = weighted(REGIONS);
    const town = weighted(region.towns);
    const kind = pick(KINDS);
    const slots = {
      street: pick(STREETS),
      street2: pick(STREETS),
      route: String(1 + Math.floor(rnd() * 60)),
      in: capital(town.in),
    };
    const t0 = rhythmTime(6);
    const solo = rnd() < 0.4;
    const count = solo ? 3 + Math.floor(rnd() * 3) : 2 + Math.floor(rnd() * 2);
    const author = citizen(region);
    for (let k = 0; k < count; k++) {
      const text = typo(pick(OPENERS) + fill(pick(INCIDENT_TEXTS[kind]), slots) + pick(CLOSERS));
      comment(
        region,
        rnd() < 0.3 ? null : town,
        text,
        t0 + rnd() * 2 * HOUR,
        solo ? author : citizen(region),
      );
    }
  }

  // ---- cross-posts: one author, one text, several pages ------------------------------------------
  for (let i = 0; i < 30 * scale; i++) {
    const region = weighted(REGIONS);
    const author = citizen(region);
    const text = texts.next().text;
    const t0 = rhythmTime();
    const pages = 3 + Math.floor(rnd() * 4);
    for (let k = 0; k < pages; k++) {
      const r = rnd() < 0.7 ? region : weighted(REGIONS);
      comment(r, rnd() < 0.3 ? null : weighted(r.towns), text, t0 + k * rnd() * 10 * MINUTE, author);
    }
  }

  // ---- spam: a few accounts, the same ads across many pages, sometimes in bursts ---------------
  for (let burst = 0; burst < 4; burst++) {
    const ad = pick(SPAM_TEXTS);
    const t0 = rhythmTime();
    const n = Math.round((20 + rnd() * 30) * scale);
    for (let k = 0; k < n; k++) {
      const region = weighted(REGIONS);
      comment(
        region,
        rnd() < 0.5 ? null : weighted(region.towns),
        ad,
        t0 + rnd() * HOUR,
        `spam-${seed}-${burst}-${Math.floor(rnd() * 12)}`,
      );
    }
  }

  // ---- popular off-topic threads --------------------------------------------------------------
  for (let th = 0; th < 3; th++) {
    const region = weighted(REGIONS);
    const town = region.towns[0] as Town;
    const thread = `thread-${seed}-${th}`;
    const t0 = rhythmTime(8);
    const n = Math.round((120 + rnd() * 150) * scale);
    const topic = pick(THREAD_TOPICS);
    for (let k = 0; k < n; k++) {
      const chatter = pick(THREAD_CHATTER);
      const text = rnd() < 0.3 ? `${chatter} ${topic}` : chatter;
      comment(region, town, text, t0 + Math.pow(rnd(), 2) * 3 * HOUR, citizen(region), 'CITIZEN', thread);
    }
  }

  // ---- incidents ------------------------------------------------------------------------------
  for (let i = 0; i < o.incidents; i++) {
    const region = weighted(REGIONS);
    const town = weighted(region.towns);
    const kind = pick(KINDS);
    const slots = {
      street: pick(STREETS),
      street2: pick(STREETS),
      route: String(1 + Math.floor(rnd() * 60)),
      in: capital(town.in),
    };
    const size = 5 + Math.floor(75 * Math.pow(rnd(), 2.5));
    const duration = (20 + rnd() * 340) * MINUTE;
    const t0 = o.startMs + 6 * HOUR + rnd() * (16 * HOUR);
    const members: string[] = [];
    const memberAt = new Map<string, number>();
    const authors = new Set<string>();
    for (let k = 0; k < size; k++) {
      const at = k === 0 ? t0 : t0 + Math.pow(rnd(), 1.6) * duration;
      let author = citizen(region);
      while (authors.has(author)) author = citizen(region);
      authors.add(author);
      const onRegionPage = rnd() < 0.3;
      let text: string;
      if (rnd() < 0.15) text = fill(pick(INCIDENT_QUESTIONS[kind]), slots);
      else
        text = typo(
          pick(OPENERS) +
            fill(pick(INCIDENT_TEXTS[kind]), { ...slots, n: String(1 + Math.floor(rnd() * 120)) }) +
            pick(CLOSERS),
        );
      if (onRegionPage && !text.includes(town.in) && !text.includes(capital(town.in)) && rnd() < 0.8)
        text = `${capital(town.in)}: ${text}`;
      const e = comment(region, onRegionPage ? null : town, text, at, author);
      const key = `${e.platform}:${e.comment_id}`;
      members.push(key);
      memberAt.set(key, e.posted_at);
      if (rnd() < 0.2) reply(e, (5 + rnd() * 60) * MINUTE);
    }
    truth.push({
      id: `true-${seed}-${i}`,
      type: 'incident',
      kind,
      region: region.code,
      town: town.name,
      members,
      firstAt: Math.min(...memberAt.values()),
      memberAt,
    });
  }

  // ---- the campaign: near-identical copies from fresh accounts across pages and regions -------
  for (let c = 0; c < o.campaigns; c++) {
    const base = pick(CAMPAIGN_TEXTS);
    const regions = [weighted(REGIONS), weighted(REGIONS), weighted(REGIONS)].slice(
      0,
      1 + Math.floor(rnd() * 3),
    );
    const t0 = o.startMs + 7 * HOUR + rnd() * 14 * HOUR;
    const size = 40 + Math.floor(rnd() * 80);
    const members: string[] = [];
    const memberAt = new Map<string, number>();
    for (let k = 0; k < size; k++) {
      let text = base;
      for (const [from, to] of CAMPAIGN_SWAPS) if (rnd() < 0.3) text = text.replace(from, to);
      if (rnd() < 0.3) text = `${pick(['Поддерживаю! ', 'Подписываюсь. ', 'Репост. ', ''])}${text}`;
      if (rnd() < 0.3) text = typo(text);
      const region = pick(regions);
      const onRegionPage = rnd() < 0.5;
      const e = comment(
        region,
        onRegionPage ? null : weighted(region.towns),
        text,
        t0 + rnd() * 50 * MINUTE,
        `new-${seed}-${c}-${k}`,
      );
      const key = `${e.platform}:${e.comment_id}`;
      members.push(key);
      memberAt.set(key, e.posted_at);
    }
    truth.push({
      id: `camp-${seed}-${c}`,
      type: 'campaign',
      kind: 'campaign',
      region: (regions[0] as Region).code,
      town: '',
      members,
      firstAt: Math.min(...memberAt.values()),
      memberAt,
    });
  }

  // Stable order by event time, as the replay reads it.
  const order = events.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.posted_at - b.e.posted_at || a.i - b.i);
  return { events: order.map((x) => x.e), truth, startMs: o.startMs };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lower(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
