/**
 * Which source a labelled file comes from, so that evaluation restricts categories the way the worker
 * does for a comment from that source (services/core/classifier/taxonomy.ts). The evaluation files carry
 * no region; they are named after their source, and the source's region code then finds the taxonomy
 * through the same routing as a comment's `region` in the worker. A row's own `region` or `page_id`, when
 * it has one, decides for that row.
 */
import { basename } from 'node:path';
import { TaxonomyRouter, type Taxonomy } from '../../../core/classifier/index.js';

/** File-name prefixes of the known sources and the federal subject code of each. */
export const FILE_SOURCES: readonly { prefix: string; region: string; source: string }[] = [
  { prefix: 'spb_', region: '78', source: 'St Petersburg city reports' },
  { prefix: 'kursk_', region: '46', source: 'Kursk citizen appeals' },
];

/** `auto` (the file's source, or each row's region), `none` (all categories), or a taxonomy's name. */
export type TaxonomyChoice = string;

export interface RowSource {
  region?: unknown;
  page_id?: unknown;
}

export class EvaluationSources {
  constructor(
    private readonly choice: TaxonomyChoice = 'auto',
    private readonly router = new TaxonomyRouter(),
  ) {
    if (choice !== 'auto' && choice !== 'none' && router.named(choice) === undefined)
      throw new Error(`EVALUATE_BAD_ARGS: --taxonomy takes auto, none or a taxonomy's name, not ${choice}`);
  }

  /** The region a file's name says it comes from, if any. */
  regionOfFile(file: string): string | undefined {
    const name = basename(file);
    return FILE_SOURCES.find((s) => name.startsWith(s.prefix))?.region;
  }

  /** The taxonomy for one row of `file`; undefined means every category. */
  taxonomyOf(file: string, row: RowSource): Taxonomy | undefined {
    if (this.choice === 'none') return undefined;
    if (this.choice !== 'auto') return this.router.named(this.choice);
    const region =
      typeof row.region === 'string' || typeof row.region === 'number'
        ? String(row.region)
        : this.regionOfFile(file);
    const pageId = typeof row.page_id === 'string' ? row.page_id : undefined;
    return this.router.of({ region, pageId });
  }
}
