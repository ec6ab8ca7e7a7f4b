/**
 * How an incident is shown: its title and severity (the Avro IncidentEvent's `title` and `severity`).
 * Pure, from the detector's detail, so the service and any replay of it say the same.
 */
import type { IncidentDetail, IncidentType } from './types.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

const CATEGORY_TITLES: Record<string, string> = {
  housing_utilities: 'ЖКХ',
  urban_improvement: 'Благоустройство',
  roads_transport: 'Дороги и транспорт',
  healthcare: 'Здравоохранение',
  education: 'Образование',
  social_protection: 'Соцзащита',
  ecology: 'Экология',
  safety_emergency: 'Безопасность',
  economy_labor: 'Экономика и труд',
  culture_sport: 'Культура и спорт',
  other: 'Разное',
};

/** Where people are at risk a smaller burst is already serious. */
const URGENT_CATEGORIES = new Set(['safety_emergency', 'healthcare', 'housing_utilities']);
const TITLE_MAX_CHARS = 80;

/** «ЖКХ: вода, нет, отключили» — the category, then the members' common words. */
export function titleOf(type: IncidentType, category: string, detail: Pick<IncidentDetail, 'words'>): string {
  const head = type === 'campaign' ? 'Кампания' : (CATEGORY_TITLES[category] ?? category);
  const title = detail.words.length === 0 ? head : `${head}: ${detail.words.join(', ')}`;
  return title.length <= TITLE_MAX_CHARS ? title : `${title.slice(0, TITLE_MAX_CHARS - 1)}…`;
}

/**
 * By distinct authors, one step up for an urgent category or a spread over three pages and more: a
 * rough scale for ordering the board, not a measured one (docs/incidents.md#severity).
 */
export function severityOf(
  type: IncidentType,
  category: string,
  detail: Pick<IncidentDetail, 'authors' | 'pages'>,
): Severity {
  const levels: Severity[] = ['low', 'medium', 'high', 'critical'];
  let level = detail.authors >= 80 ? 3 : detail.authors >= 30 ? 2 : detail.authors >= 10 ? 1 : 0;
  if (type === 'incident' && (URGENT_CATEGORIES.has(category) || detail.pages >= 3)) level++;
  return levels[Math.min(level, 3)] as Severity;
}
