import type { Category, CommentType, Priority } from '../contracts/schema-types.generated.js';
import { businessCalendar, twentyFourSeven, type Calendar } from '../calendar/index.js';
import { regionInfo } from '../regions/index.js';
import {
  calendarDates,
  FALLBACK_ZONE,
  policyConfigSchema,
  REGION_ZONE,
  TWENTY_FOUR_SEVEN_ID,
  type CalendarDefinition,
  type ParsedPolicyConfig,
} from './policy-schema.js';

export { formatDuration, parseDuration } from './policy-duration.js';
export { policyConfigSchema, type PolicyConfigInput } from './policy-schema.js';

/** The validated `sla:` section of the config file, with every default filled in and durations in ms. */
export type PolicyConfig = Readonly<ParsedPolicyConfig>;

export interface PolicySubject {
  /** Federal subject code as the producer wrote it ("54", "02", "2"). */
  region: string;
  category: Category;
  type: CommentType;
  priority: Priority;
}

export interface ResolvedPolicy {
  /** Stable id published with the deadline: `<name>/<priority>` or `<name>/<category>/<priority>`. */
  policyId: string;
  /** First-reply target in working time of `calendar`. */
  targetMs: number;
  /** WARNING fires once this fraction of the target (in working time) has passed. */
  warnFraction: number;
  /** Wall-clock time between ESCALATIONs after the breach. */
  escalationIntervalMs: number;
  /** Last ESCALATION level; 0 means none. */
  maxEscalationLevel: number;
  calendar: Calendar;
  /** Which calendar, for logs: "24x7" or "<name>@<zone>". */
  calendarId: string;
  /** The zone whose local dates are the calendar's days (the region's for 24×7): working days count in it. */
  zone: string;
}

export interface Deadlines {
  warnAtMs: number;
  dueAtMs: number;
}

/** Thrown by parsePolicyConfig; `problems` holds one "path: what is wrong" line per problem. */
export class PolicyConfigError extends Error {
  readonly code = 'SLA_POLICY_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `invalid SLA policy: ${problems[0]}`
        : `invalid SLA policy (${problems.length} problems):\n${problems.map((p) => `    - ${p}`).join('\n')}`,
    );
    this.name = 'PolicyConfigError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(sla)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * Validates the `sla:` section of the config file (already parsed from YAML) and fills in the defaults of
 * docs/design.md#sla-semantics; `{}` or `undefined` gives the defaults. Throws PolicyConfigError naming every bad path.
 */
export function parsePolicyConfig(raw: unknown): PolicyConfig {
  const result = policyConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new PolicyConfigError(
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  return Object.freeze(result.data);
}

/** Calendars built once per config, per definition and zone. */
const calendarCache = new WeakMap<PolicyConfig, Map<string, Calendar>>();

function calendarNameFor(config: PolicyConfig, region: ReturnType<typeof regionInfo>): string {
  if (!region) return config.defaultCalendar;
  return config.regions[region.code] ?? config.districts[region.federalDistrict] ?? config.defaultCalendar;
}

function buildCalendar(definition: CalendarDefinition, zone: string): Calendar {
  return businessCalendar({
    zone,
    week: definition.week,
    ...calendarDates(definition),
    workingWeekendSchedule: definition.workingWeekendSchedule,
  });
}

/** The calendar of a region under `config`, built once per config and zone. */
export function calendarFor(
  config: PolicyConfig,
  regionCode: string,
): { calendar: Calendar; calendarId: string; zone: string } {
  const region = regionInfo(regionCode);
  const name = calendarNameFor(config, region);
  const definition = config.calendars[name];
  if (name === TWENTY_FOUR_SEVEN_ID || !definition) {
    return {
      calendar: twentyFourSeven(),
      calendarId: TWENTY_FOUR_SEVEN_ID,
      zone: region?.zone ?? FALLBACK_ZONE,
    };
  }
  const zone = definition.zone === REGION_ZONE ? (region?.zone ?? FALLBACK_ZONE) : definition.zone;
  const calendarId = `${name}@${zone}`;
  let built = calendarCache.get(config);
  if (!built) calendarCache.set(config, (built = new Map()));
  let calendar = built.get(calendarId);
  if (!calendar) built.set(calendarId, (calendar = buildCalendar(definition, zone)));
  return { calendar, calendarId, zone };
}

/**
 * The policy a comment falls under, or null when its category or type opens no SLA. The calendar is the
 * region's (region entry, else its federal district's, else the default); an unknown region gets the default.
 */
export function resolvePolicy(config: PolicyConfig, subject: PolicySubject): ResolvedPolicy | null {
  if (config.noSla.categories.includes(subject.category) || config.noSla.types.includes(subject.type)) {
    return null;
  }
  const categoryTarget = config.categoryTargets[subject.category]?.[subject.priority];
  const policyId =
    categoryTarget === undefined
      ? `${config.name}/${subject.priority}`
      : `${config.name}/${subject.category}/${subject.priority}`;
  return {
    policyId,
    targetMs: categoryTarget ?? config.targets[subject.priority],
    warnFraction: config.warnFraction,
    escalationIntervalMs: config.escalation.every,
    maxEscalationLevel: config.escalation.maxLevel,
    ...calendarFor(config, subject.region),
  };
}

/** WARNING and BREACH instants of a comment posted at `postedAtMs`, both counted in working time. */
export function computeDeadlines(resolved: ResolvedPolicy, postedAtMs: number): Deadlines {
  const warnAfterMs = Math.round(resolved.targetMs * resolved.warnFraction);
  return {
    warnAtMs: resolved.calendar.addWorkingTime(postedAtMs, warnAfterMs),
    dueAtMs: resolved.calendar.addWorkingTime(postedAtMs, resolved.targetMs),
  };
}
