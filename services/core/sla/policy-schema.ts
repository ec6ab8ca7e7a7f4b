import { IANAZone } from 'luxon';
import { z } from 'zod';
import {
  CATEGORY_SYMBOLS,
  COMMENT_TYPE_SYMBOLS,
  PRIORITY_SYMBOLS,
} from '../contracts/schema-types.generated.js';
import { businessCalendar, CalendarError, russianProductionCalendar, WEEKDAYS } from '../calendar/index.js';
import { parseIsoDate } from '../calendar/local-date.js';
import { FEDERAL_DISTRICTS, regionInfo } from '../regions/index.js';
import { duration, oneOf, partialRecord, strictObject } from './policy-schema-parts.js';
import { lifecyclePolicyShape } from './policy-lifecycle-schema.js';

/** The calendar every config has, which no config may redefine. */
export const TWENTY_FOUR_SEVEN_ID = '24x7';
/** `zone: region` makes a business calendar follow the zone of each region that uses it. */
export const REGION_ZONE = 'region';
/** Zone of a `zone: region` calendar for a comment whose region code is unknown. */
export const FALLBACK_ZONE = 'Europe/Moscow';

const category = z.enum(CATEGORY_SYMBOLS, oneOf('category', CATEGORY_SYMBOLS));
const commentType = z.enum(COMMENT_TYPE_SYMBOLS, oneOf('comment type', COMMENT_TYPE_SYMBOLS));
const weekday = z.enum(WEEKDAYS, oneOf('weekday', WEEKDAYS));

const isoDate = z
  .string({ error: 'expected a date "YYYY-MM-DD" (quoted)' })
  .refine((text) => parseIsoDate(text) !== undefined, { error: 'expected a real date "YYYY-MM-DD"' });
const timeOfDay = z.string({ error: 'expected a time "HH:MM" in quotes' });
const calendarRef = z.string({ error: 'expected the name of a calendar' });

/**
 * Holidays and working weekends of a calendar definition: the production calendar's, then the definition's
 * own, which win where they disagree (a date listed in `workingDays` works even if a holiday).
 */
export function calendarDates(definition: CalendarDefinition): {
  holidays: string[];
  workingWeekends: string[];
} {
  const production =
    definition.productionCalendar === 'ru'
      ? russianProductionCalendar()
      : { holidays: [], workingWeekends: [] };
  const working = new Set(definition.workingDays);
  const off = new Set(definition.holidays);
  return {
    holidays: [...new Set([...production.holidays, ...off])].filter((d) => !working.has(d)),
    workingWeekends: [...new Set([...production.workingWeekends, ...working])].filter((d) => !off.has(d)),
  };
}

const calendarDefinition = strictObject({
  zone: z.string().prefault(REGION_ZONE),
  week: partialRecord(
    'weekday',
    WEEKDAYS,
    z.array(z.tuple([timeOfDay, timeOfDay], { error: 'expected a period ["HH:MM", "HH:MM"]' }), {
      error: 'expected a list of periods, e.g. [["09:00", "18:00"]]',
    }),
  ),
  productionCalendar: z.enum(['ru', 'none'], oneOf('production calendar', ['ru', 'none'])).prefault('ru'),
  holidays: z.array(isoDate, { error: 'expected a list of dates, e.g. ["2026-12-30"]' }).prefault([]),
  workingDays: z.array(isoDate, { error: 'expected a list of dates, e.g. ["2026-12-26"]' }).prefault([]),
  workingWeekendSchedule: weekday.optional(),
}).superRefine((definition, ctx) => {
  // A mistyped key already reported would only echo here as "no working hours".
  if (ctx.issues.length > 0) return;
  if (definition.zone !== REGION_ZONE && !IANAZone.isValidZone(definition.zone)) {
    ctx.addIssue({
      code: 'custom',
      path: ['zone'],
      message: `"${definition.zone}" is not an IANA time zone (such as Asia/Novosibirsk) nor "${REGION_ZONE}"`,
    });
    return;
  }
  const both = definition.holidays.filter((date) => definition.workingDays.includes(date));
  if (both.length) {
    ctx.addIssue({
      code: 'custom',
      message: `${both.join(', ')} listed both in holidays and in workingDays`,
    });
    return;
  }
  try {
    businessCalendar({
      zone: definition.zone === REGION_ZONE ? FALLBACK_ZONE : definition.zone,
      week: definition.week,
      ...calendarDates(definition),
      workingWeekendSchedule: definition.workingWeekendSchedule,
    });
  } catch (error) {
    if (!(error instanceof CalendarError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

const regionCalendars = z.record(z.string(), calendarRef).superRefine((regions, ctx) => {
  const seen = new Map<string, string>();
  for (const code of Object.keys(regions)) {
    const region = regionInfo(code);
    if (!region) {
      ctx.addIssue({
        code: 'custom',
        path: [code],
        message: `unknown region code "${code}"; use the federal subject code, such as "54" for Novosibirsk oblast`,
      });
      continue;
    }
    const earlier = seen.get(region.code);
    if (earlier !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [code],
        message: `"${code}" is ${region.name}, already configured as "${earlier}"`,
      });
    }
    seen.set(region.code, code);
  }
});

export const policyConfigSchema = strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'use lower-case letters, digits, "_" and "-"' })
    .prefault('default'),
  targets: strictObject({
    critical: duration.prefault('1h'),
    high: duration.prefault('2h'),
    normal: duration.prefault('4h'),
    low: duration.prefault('24h'),
  }).prefault({}),
  categoryTargets: partialRecord(
    'category',
    CATEGORY_SYMBOLS,
    partialRecord('priority', PRIORITY_SYMBOLS, duration),
  ).prefault({}),
  warnFraction: z
    .number({ error: 'expected a number between 0 and 1' })
    .gt(0, { error: 'must be more than 0' })
    .lt(1, { error: 'must be less than 1' })
    .prefault(0.75),
  escalation: strictObject({
    every: duration.prefault('1h'),
    maxLevel: z
      .number({ error: 'expected a whole number' })
      // A refinement, not .int(): an int failure aborts, which would hide the calendar reference checks.
      .refine(Number.isInteger, { error: 'expected a whole number' })
      .min(0, { error: 'must be 0 (no escalation) or more' })
      .max(100, { error: 'must be at most 100' })
      .prefault(3),
  }).prefault({}),
  noSla: strictObject({
    categories: z
      .array(category, { error: 'expected a list of categories, e.g. [culture_sport]' })
      .prefault([]),
    types: z.array(commentType, { error: 'expected a list of types, e.g. [gratitude]' }).prefault([]),
  }).prefault({}),
  calendars: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'use letters, digits, "_", "-" and "."' }),
      calendarDefinition,
    )
    .refine((calendars) => !(TWENTY_FOUR_SEVEN_ID in calendars), {
      error: `"${TWENTY_FOUR_SEVEN_ID}" is built in and cannot be redefined`,
    })
    .prefault({}),
  defaultCalendar: calendarRef.prefault(TWENTY_FOUR_SEVEN_ID),
  districts: partialRecord('federal district', FEDERAL_DISTRICTS, calendarRef).prefault({}),
  regions: regionCalendars.prefault({}),
  ...lifecyclePolicyShape,
})
  .superRefine(
    (config, ctx) => {
      // Runs even when other parts are invalid, so that every problem is reported in one go; whatever
      // failed to parse may still hold the raw input here, hence the type checks.
      const mapping = (value: unknown): Record<string, unknown> =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : {};
      const known = [TWENTY_FOUR_SEVEN_ID, ...Object.keys(mapping(config.calendars))];
      const check = (path: string[], name: unknown) => {
        if (typeof name === 'string' && !known.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `unknown calendar "${name}"; defined: ${known.join(', ')}`,
          });
        }
      };
      check(['defaultCalendar'], config.defaultCalendar);
      for (const [name, calendar] of Object.entries(mapping(config.districts)))
        check(['districts', name], calendar);
      for (const [code, calendar] of Object.entries(mapping(config.regions)))
        check(['regions', code], calendar);
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  // Look-ups go by canonical code, whichever spelling ("2", "02", "102") the file used.
  .transform((config) => ({
    ...config,
    regions: Object.fromEntries(
      Object.entries(config.regions).map(([code, calendar]) => [regionInfo(code)?.code ?? code, calendar]),
    ),
  }));

export type PolicyConfigInput = z.input<typeof policyConfigSchema>;
export type ParsedPolicyConfig = z.output<typeof policyConfigSchema>;
export type CalendarDefinition = z.output<typeof calendarDefinition>;
