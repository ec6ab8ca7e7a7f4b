/**
 * How the report writes numbers, in Russian: digit groups split by a no-break space, a decimal comma.
 * Every number is wrapped with where it came from (query, region, row key, column) and how it was
 * scaled and rounded, so a test can read it back and compare it with the SQL.
 */

export type NumberKind = 'count' | 'share' | 'minutes' | 'p' | 'rate';

const DIGITS: Record<NumberKind, number> = { count: 0, share: 1, minutes: 0, p: 3, rate: 2 };
const SCALE: Record<NumberKind, number> = { count: 1, share: 100, minutes: 1, p: 1, rate: 1 };
const UNIT: Record<NumberKind, string> = {
  count: '',
  share: '\u00a0%',
  minutes: '\u00a0мин',
  p: '',
  rate: '',
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The number as shown: rounded to its kind's digits, grouped, decimal comma; null as a dash. */
export function formatNumber(value: unknown, kind: NumberKind): string {
  if (value === null || value === undefined) return '—';
  const n = Number(value) * SCALE[kind];
  return (
    n.toLocaleString('ru-RU', {
      minimumFractionDigits: DIGITS[kind],
      maximumFractionDigits: DIGITS[kind],
    }) + UNIT[kind]
  );
}

export interface NumberSource {
  query: string;
  region?: string;
  /** The row's key columns and values (empty for one-row queries). */
  row?: Record<string, unknown>;
  column: string;
}

/** A number in a span that names its source. */
export function numberHtml(value: unknown, kind: NumberKind, source: NumberSource): string {
  const attributes = [
    `data-q="${escapeHtml(source.query)}"`,
    `data-col="${escapeHtml(source.column)}"`,
    `data-scale="${SCALE[kind]}"`,
    `data-digits="${DIGITS[kind]}"`,
    source.region === undefined ? '' : `data-region="${escapeHtml(source.region)}"`,
    `data-row="${escapeHtml(JSON.stringify(source.row ?? {}))}"`,
  ].filter((a) => a !== '');
  return `<span class="num" ${attributes.join(' ')}>${escapeHtml(formatNumber(value, kind))}</span>`;
}

/** Reads a shown number back (the inverse of formatNumber, less the scaling); null for a dash. */
export function parseShown(text: string): number | null {
  const t = text
    .replace(/[\s\u00a0\u202f%]|мин/g, '')
    .replace(',', '.')
    .replace('−', '-');
  if (t === '—') return null;
  return Number(t);
}
