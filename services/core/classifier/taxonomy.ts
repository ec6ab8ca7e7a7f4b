import type { Category } from '../contracts/schema-types.generated.js';
import { CATEGORY_SYMBOLS } from '../contracts/schema-types.generated.js';
import { categoryLexicon } from './lexicons.js';

/**
 * A routing taxonomy: the categories one source of appeals files its comments under. Our eleven
 * categories are the union of what the sources route; each source uses a subset (its own category tree
 * mapped onto ours), and a label outside it is a label that source can never give. A comment known to
 * come from such a source is classified among its labels only (docs/classifier.md#routing-taxonomies).
 *
 * `other` plays two parts: a topic (stray animals, phone and internet, construction) that a taxonomy may
 * lack, and "not an appeal" (gratitude, spam, chatter), which every source can meet and which stays
 * possible whatever the taxonomy.
 */
export interface Taxonomy {
  readonly name: string;
  readonly labels: ReadonlySet<Category>;
}

/** The taxonomies shipped with the classifier, by name; the config file may add its own. */
export const BUILTIN_TAXONOMIES: Readonly<Record<string, readonly Category[]>> = {
  // Every category: a source whose routing we do not know.
  full: CATEGORY_SYMBOLS,
  // St Petersburg's city reports portal: its categories (facades, roofs, water supply, yards, roads,
  // illegal street trading, advertising structures...) are all about a building, a yard, a street or
  // street trading.
  'spb-gorod': ['housing_utilities', 'urban_improvement', 'roads_transport', 'economy_labor'],
  // Kursk's appeals portal: its groups cover every topic but public safety (no police, fire or
  // emergency group); stray animals, communications and construction are its `other`.
  'kursk-appeals': CATEGORY_SYMBOLS.filter((c) => c !== 'safety_emergency'),
};

/**
 * Which taxonomy a comment's source uses. The page decides first (a federal ministry's page in St
 * Petersburg routes by its own tree), then the region (a region's pages route into its appeals system),
 * then `defaultTaxonomy`.
 */
export interface TaxonomyRouting {
  taxonomies: Readonly<Record<string, readonly Category[]>>;
  regions: Readonly<Record<string, string>>;
  pages: Readonly<Record<string, string>>;
  defaultTaxonomy: string;
}

/** Federal subject codes of the regions whose appeals systems we know: 78 St Petersburg, 46 Kursk. */
export const DEFAULT_REGION_TAXONOMIES: Readonly<Record<string, string>> = {
  '78': 'spb-gorod',
  '46': 'kursk-appeals',
};

export const DEFAULT_TAXONOMY_ROUTING: TaxonomyRouting = {
  taxonomies: BUILTIN_TAXONOMIES,
  regions: DEFAULT_REGION_TAXONOMIES,
  pages: {},
  defaultTaxonomy: 'full',
};

/** Problems with a routing (names that do not resolve, labels we do not know), one line each. */
export function routingProblems(routing: TaxonomyRouting): string[] {
  const problems: string[] = [];
  const known = new Set<string>(CATEGORY_SYMBOLS);
  for (const [name, labels] of Object.entries(routing.taxonomies)) {
    for (const l of labels) if (!known.has(l)) problems.push(`taxonomy ${name}: unknown category ${l}`);
    // An appeal that names no topic gets the fallback label: every taxonomy must be able to hold it.
    if (!labels.includes(categoryLexicon.fallback))
      problems.push(`taxonomy ${name}: must include ${categoryLexicon.fallback} (the fallback category)`);
  }
  const named = (where: string, name: string) => {
    if (!Object.hasOwn(routing.taxonomies, name)) problems.push(`${where}: no taxonomy named ${name}`);
  };
  for (const [region, name] of Object.entries(routing.regions)) named(`region ${region}`, name);
  for (const [page, name] of Object.entries(routing.pages)) named(`page ${page}`, name);
  named('default', routing.defaultTaxonomy);
  return problems;
}

/** Resolves a comment's source to its taxonomy; compiled once, a lookup per comment. */
export class TaxonomyRouter {
  private readonly byName = new Map<string, Taxonomy>();

  constructor(private readonly routing: TaxonomyRouting = DEFAULT_TAXONOMY_ROUTING) {
    const problems = routingProblems(routing);
    if (problems.length > 0) throw new Error(`CLASSIFIER_TAXONOMY_INVALID: ${problems.join('; ')}`);
    for (const [name, labels] of Object.entries(routing.taxonomies))
      this.byName.set(name, { name, labels: new Set(labels) });
  }

  named(name: string): Taxonomy | undefined {
    return this.byName.get(name);
  }

  /** The taxonomy of a comment from this page and region. */
  of(source: { region?: string; pageId?: string }): Taxonomy {
    const { pages, regions, defaultTaxonomy } = this.routing;
    const name =
      (source.pageId !== undefined && Object.hasOwn(pages, source.pageId)
        ? pages[source.pageId]
        : undefined) ??
      (source.region !== undefined && Object.hasOwn(regions, source.region)
        ? regions[source.region]
        : undefined) ??
      defaultTaxonomy;
    return this.byName.get(name) as Taxonomy;
  }
}
