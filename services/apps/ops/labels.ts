import type { AlertKind, Category, Platform, Priority } from '../../core/contracts/index.js';
import { allRegions, regionInfo } from '../../core/regions/index.js';

/** Russian names the board shows; codes stay in URLs and the API. */
export const CATEGORY_LABELS: Record<Category, string> = {
  housing_utilities: 'ЖКХ',
  urban_improvement: 'Благоустройство',
  roads_transport: 'Дороги и транспорт',
  healthcare: 'Здравоохранение',
  education: 'Образование',
  social_protection: 'Соцзащита',
  ecology: 'Экология',
  safety_emergency: 'Безопасность и ЧС',
  economy_labor: 'Экономика и труд',
  culture_sport: 'Культура и спорт',
  other: 'Прочее',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  critical: 'Критический',
  high: 'Высокий',
  normal: 'Обычный',
  low: 'Низкий',
};

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  WARNING: 'Предупреждение',
  BREACH: 'Срок нарушен',
  ESCALATION: 'Эскалация',
};

export const PLATFORM_LABELS: Record<Platform, string> = {
  VK: 'ВКонтакте',
  OK: 'Одноклассники',
  TELEGRAM: 'Telegram',
  MAX: 'MAX',
  WEB: 'Сайт',
  OTHER: 'Другое',
};

/** The subject's name, or the code as given when it is not a known federal subject code. */
export function regionName(code: string): string {
  return regionInfo(code)?.name ?? `Регион ${code}`;
}

/** Everything the page needs to label codes, sent once (GET /api/meta). */
export function boardMeta() {
  return {
    categories: CATEGORY_LABELS,
    priorities: PRIORITY_LABELS,
    alertKinds: ALERT_KIND_LABELS,
    platforms: PLATFORM_LABELS,
    regions: allRegions().map((r) => ({ code: r.code, name: r.name })),
  };
}
