import { CATEGORY_SYMBOLS, PRIORITY_SYMBOLS } from '../core/contracts/index.js';
import type { BoardFilter } from './redis/board-scan.js';

export class FilterError extends Error {
  readonly code = 'OPS_BAD_FILTER';
}

/** The board's filter from a query string; empty values mean "any". Throws FilterError. */
export function parseFilter(params: URLSearchParams): BoardFilter {
  const filter: BoardFilter = {};
  const region = params.get('region')?.trim();
  const category = params.get('category')?.trim();
  const priority = params.get('priority')?.trim();
  if (region) {
    if (!/^[0-9A-Za-z_-]{1,16}$/.test(region)) throw new FilterError(`not a region code: ${region}`);
    filter.region = region;
  }
  if (category) {
    if (!(CATEGORY_SYMBOLS as readonly string[]).includes(category)) {
      throw new FilterError(`not a category: ${category}`);
    }
    filter.category = category;
  }
  if (priority) {
    if (!(PRIORITY_SYMBOLS as readonly string[]).includes(priority)) {
      throw new FilterError(`not a priority: ${priority}`);
    }
    filter.priority = priority;
  }
  return filter;
}
