export {
  CalendarError,
  WEEKDAYS,
  type Calendar,
  type PeriodSpec,
  type Weekday,
  type WeekSpec,
} from './types.js';
export { twentyFourSeven } from './twenty-four-seven.js';
export { businessCalendar, type BusinessCalendarOptions } from './business.js';
export {
  russianProductionCalendar,
  SHIPPED_PRODUCTION_YEARS,
  type ProductionCalendarDates,
} from './russian-production.js';
export { deriveProductionYear, ART_112_HOLIDAYS } from './labour-code.js';
export { productionYearSchema, type ProductionYear } from './production-year.js';
