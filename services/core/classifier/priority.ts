import type { CommentType, Evidence, Priority } from '../contracts/schema-types.generated.js';
import { isHeatingSeason } from '../regions/index.js';
import { evidenceOf } from './evidence.js';
import { priorityLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import { work } from './work.js';

export interface PriorityContext {
  type: CommentType;
  spam: boolean;
  postedAt: number | undefined;
  region: string | undefined;
}

export interface PriorityDecision {
  priority: Priority;
  evidence: Evidence[];
}

function sumOf(matches: readonly Match[], label: string): number {
  let s = 0;
  const seen = new Set<number>();
  for (const m of matches) {
    if (m.label !== label || seen.has(m.groupId)) continue;
    seen.add(m.groupId);
    s += m.weight;
  }
  return s;
}

function maxOf(matches: readonly Match[], label: string): number {
  let best = 0;
  for (const m of matches) if (m.label === label && m.weight > best) best = m.weight;
  return best;
}

/**
 * docs/design.md#taxonomy, priority: a threat to life or health, or an outage for many people, is critical; heating
 * counts as an outage only in the heating season of the comment's region (a missing date is treated as
 * in season: over-alerting on a cold flat is cheaper than missing one). Gratitude, chatter and spam are low.
 */
// Heating season changes at most at a local midnight, and Russian zones are whole hours from UTC, so
// the answer for one region and one UTC hour can be remembered.
const seasonCache = new Map<string, boolean>();
const HOUR_MS = 3_600_000;

function inHeatingSeason(region: string | undefined, atMs: number): boolean {
  const key = `${region ?? ''}|${Math.floor(atMs / HOUR_MS)}`;
  let answer = seasonCache.get(key);
  if (answer === undefined) {
    answer = isHeatingSeason(region, atMs);
    if (seasonCache.size >= 10_000) seasonCache.clear();
    seasonCache.set(key, answer);
  }
  return answer;
}

export function decidePriority(matches: readonly Match[], ctx: PriorityContext): PriorityDecision {
  const { criticalAt, highAt } = priorityLexicon;
  const hazard = maxOf(matches, 'hazard');
  const outage = sumOf(matches, 'outage');
  const heating = maxOf(matches, 'heating');
  const urgent = sumOf(matches, 'urgent');
  work.steps += 4 * matches.length;
  const inSeason = heating > 0 && (ctx.postedAt === undefined || inHeatingSeason(ctx.region, ctx.postedAt));
  const evidence = evidenceOf('priority', matches, true);
  if (heating > 0) {
    evidence.push({
      concern: 'priority',
      feature: inSeason ? 'heating_season' : 'outside_heating_season',
      weight: 0,
    });
  }

  let priority: Priority = 'normal';
  const outageLike = outage + (inSeason ? heating : 0);
  if (hazard >= criticalAt || outageLike >= criticalAt) priority = 'critical';
  else if (hazard + outageLike + urgent + (inSeason ? 0 : heating * 0.6) >= highAt) priority = 'high';

  if (ctx.spam || ctx.type === 'gratitude') priority = 'low';
  else if (ctx.type === 'other' && priority === 'normal') priority = 'low';
  return { priority, evidence };
}
