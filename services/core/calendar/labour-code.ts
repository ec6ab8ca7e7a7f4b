import { dayNumberOf, isoDateOf, isoWeekdayIndex, type DayNumber } from './local-date.js';
import type { ProductionYear } from './production-year.js';

/** Non-working public holidays, Labour Code of the Russian Federation art. 112 part 1. */
export const ART_112_HOLIDAYS: ReadonlyArray<{ month: number; day: number; name: string }> = [
  { month: 1, day: 1, name: 'Новогодние каникулы' },
  { month: 1, day: 2, name: 'Новогодние каникулы' },
  { month: 1, day: 3, name: 'Новогодние каникулы' },
  { month: 1, day: 4, name: 'Новогодние каникулы' },
  { month: 1, day: 5, name: 'Новогодние каникулы' },
  { month: 1, day: 6, name: 'Новогодние каникулы' },
  { month: 1, day: 7, name: 'Рождество Христово' },
  { month: 1, day: 8, name: 'Новогодние каникулы' },
  { month: 2, day: 23, name: 'День защитника Отечества' },
  { month: 3, day: 8, name: 'Международный женский день' },
  { month: 5, day: 1, name: 'Праздник Весны и Труда' },
  { month: 5, day: 9, name: 'День Победы' },
  { month: 6, day: 12, name: 'День России' },
  { month: 11, day: 4, name: 'День народного единства' },
];

/**
 * Holidays whose coincidence with a weekend does not move the day off to the next working day (art. 112
 * part 2, naming the New Year holidays and Christmas): January 1–8. The Government moves two such days
 * by decree instead, to dates it chooses.
 */
function isJanuaryException(month: number, day: number): boolean {
  return month === 1 && day <= 8;
}

function isWeekend(dn: DayNumber): boolean {
  return isoWeekdayIndex(dn) >= 5;
}

/**
 * The production calendar of a year as the Labour Code alone makes it, without the yearly decree: a
 * holiday on a Saturday or Sunday moves the day off to the next working day after the holiday (except the
 * January ones), and the working day immediately before a holiday is one hour shorter (art. 95).
 */
export function deriveProductionYear(year: number): ProductionYear {
  const holidayDays = new Map<DayNumber, string>();
  for (const { month, day, name } of ART_112_HOLIDAYS) holidayDays.set(dayNumberOf(year, month, day), name);

  const daysOff = new Map<DayNumber, string>();
  const isWorking = (dn: DayNumber): boolean => !isWeekend(dn) && !holidayDays.has(dn) && !daysOff.has(dn);
  const pendingJanuaryTransfers: string[] = [];

  for (const { month, day } of ART_112_HOLIDAYS) {
    const dn = dayNumberOf(year, month, day);
    if (!isWeekend(dn)) continue;
    if (isJanuaryException(month, day)) {
      pendingJanuaryTransfers.push(isoDateOf(dn));
      continue;
    }
    let target = dn + 1;
    while (!isWorking(target)) target++;
    daysOff.set(target, `day off moved from ${isoDateOf(dn)}, a holiday on a weekend (art. 112)`);
  }

  // The day before 1 January of the next year counts too; the holidays after it are that year's business.
  const shortDays: string[] = [];
  const holidaysAhead = [...holidayDays.keys(), dayNumberOf(year + 1, 1, 1)];
  for (const holiday of holidaysAhead.sort((a, b) => a - b)) {
    const eve = holiday - 1;
    if (eve >= dayNumberOf(year, 1, 1) && isWorking(eve)) shortDays.push(isoDateOf(eve));
  }

  return {
    year,
    source: 'derived',
    sourceDetail:
      'Derived from the Labour Code of the Russian Federation art. 112 (holidays, weekend transfers) and ' +
      'art. 95 (pre-holiday days); not the Government decree for the year.',
    holidays: [...holidayDays].map(([dn, name]) => ({ date: isoDateOf(dn), name })),
    daysOff: [...daysOff].sort(([a], [b]) => a - b).map(([dn, reason]) => ({ date: isoDateOf(dn), reason })),
    workingWeekends: [],
    shortDays,
    ...(pendingJanuaryTransfers.length
      ? {
          notes: [
            `January holidays on a weekend (${pendingJanuaryTransfers.join(', ')}) are moved by the yearly ` +
              'Government decree to dates it chooses; a derived calendar cannot know them.',
          ],
        }
      : {}),
  };
}
