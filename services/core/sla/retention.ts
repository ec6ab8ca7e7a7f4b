import type { Category, Priority } from '../contracts/schema-types.generated.js';
import { allRegions } from '../regions/index.js';
import { resolvePolicy, type PolicyConfig } from './policy.js';

const HOUR_MS = 3_600_000;
/** Start times tried per calendar: every hour of four weeks covers weekends and most holiday runs. */
const SAMPLE_HOURS = 28 * 24;

/**
 * How long the log must keep a comment for a rebuild to give it back its whole alert schedule (issue
 * #20): the longest wall-clock time from posting to the last ESCALATION under `policies`, tried from
 * every hour of the four weeks after `fromMs` in every region's calendar (a target in working time
 * spans nights, weekends and holidays). Pure; ~100 ms for a config with business calendars.
 */
export function longestAlertSpanMs(policies: PolicyConfig, fromMs: number): number {
  const targets = new Set<number>(Object.values(policies.targets));
  for (const byPriority of Object.values(policies.categoryTargets)) {
    for (const target of Object.values(byPriority ?? {})) if (typeof target === 'number') targets.add(target);
  }
  // Every region's calendar, whatever the categories without an SLA.
  const everyCategory: PolicyConfig = { ...policies, noSla: { categories: [], types: [] } };
  const calendars = new Map<string, ReturnType<typeof resolvePolicy>>();
  for (const region of allRegions()) {
    const policy = resolvePolicy(everyCategory, {
      region: region.code,
      category: 'other' as Category,
      type: 'other',
      priority: 'normal' as Priority,
    });
    if (policy && !calendars.has(policy.calendarId)) calendars.set(policy.calendarId, policy);
  }
  let longest = 0;
  for (const policy of calendars.values()) {
    if (!policy) continue;
    for (const target of targets) {
      for (let h = 0; h < SAMPLE_HOURS; h++) {
        const start = fromMs + h * HOUR_MS;
        longest = Math.max(longest, policy.calendar.addWorkingTime(start, target) - start);
      }
    }
  }
  return longest + policies.escalation.every * policies.escalation.maxLevel;
}

/** A topic whose retention (ms; -1 keeps for ever) is shorter than `requiredMs`, with what it keeps. */
export interface ShortRetention {
  topic: string;
  retentionMs: number;
}

export function shortRetentions(
  retentions: ReadonlyMap<string, number>,
  requiredMs: number,
): ShortRetention[] {
  return [...retentions]
    .filter(([, ms]) => ms >= 0 && ms < requiredMs)
    .map(([topic, retentionMs]) => ({ topic, retentionMs }));
}
