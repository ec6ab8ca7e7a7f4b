import { CATEGORY_SYMBOLS, PRIORITY_SYMBOLS } from '../../core/contracts/index.js';
import { regionInfo } from '../../core/regions/index.js';
import type { CommentFilter } from '../../adapters/redis/reader/sla-reader.js';

export class FilterError extends Error {
  readonly code = 'OPS_BAD_FILTER';
}

/** Quoted and cut short: the message names what was sent without echoing a whole hostile value. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * The board's filter from a query string; empty values mean "any". Only known codes pass: a federal
 * subject code (or one of its aliases) of services/core/regions, a category, a priority. The hub and the
 * source read once per distinct filter, so this bounds the reads a visitor can cause to the few
 * thousand real combinations, not one per string they can invent. Throws FilterError.
 */
export function parseFilter(params: URLSearchParams): CommentFilter {
  const filter: CommentFilter = {};
  const region = params.get('region')?.trim();
  const category = params.get('category')?.trim();
  const priority = params.get('priority')?.trim();
  if (region) {
    if (!/^\d{1,3}$/.test(region) || !regionInfo(region)) {
      throw new FilterError(
        `region ${shown(region)} is not a federal subject code (e.g. 54, 77; see /api/meta)`,
      );
    }
    filter.region = region;
  }
  if (category) {
    if (!(CATEGORY_SYMBOLS as readonly string[]).includes(category)) {
      throw new FilterError(`category ${shown(category)} is not one of ${CATEGORY_SYMBOLS.join(', ')}`);
    }
    filter.category = category;
  }
  if (priority) {
    if (!(PRIORITY_SYMBOLS as readonly string[]).includes(priority)) {
      throw new FilterError(`priority ${shown(priority)} is not one of ${PRIORITY_SYMBOLS.join(', ')}`);
    }
    filter.priority = priority;
  }
  return filter;
}
