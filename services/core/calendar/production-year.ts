import { z } from 'zod';
import { parseIsoDate } from './local-date.js';

const isoDate = z
  .string()
  .refine((text) => parseIsoDate(text) !== undefined, { error: 'expected a YYYY-MM-DD date' });

/** One year of a national production calendar as shipped in `data/`. */
export const productionYearSchema = z.strictObject({
  year: z.number().int(),
  /** "decree": taken from the Government decree for the year; "derived": computed from the Labour Code. */
  source: z.enum(['decree', 'derived']),
  sourceDetail: z.string().min(1),
  /** Non-working public holidays (art. 112), including those that fall on a weekend. */
  holidays: z.array(z.strictObject({ date: isoDate, name: z.string().min(1) })),
  /** Weekdays that do not work: days off moved by the Labour Code or by decree. */
  daysOff: z.array(z.strictObject({ date: isoDate, reason: z.string().min(1) })),
  /** Saturdays or Sundays that work, their day off having been moved elsewhere by decree. */
  workingWeekends: z.array(z.strictObject({ date: isoDate, reason: z.string().min(1) })),
  /** Working days one hour shorter (art. 95). Informational: deadlines do not shorten them. */
  shortDays: z.array(isoDate),
  notes: z.array(z.string()).optional(),
});

export type ProductionYear = z.infer<typeof productionYearSchema>;
