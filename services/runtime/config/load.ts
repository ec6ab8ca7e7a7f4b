import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envSchema, type EnvConfig } from './env.js';
import { parseConfigYaml } from './yaml-text.js';
import { parsePolicyConfig, PolicyConfigError, type PolicyConfig } from '../../core/sla/policy.js';
import {
  DEFAULT_FIELD_BYTES,
  EXTRA_REGION_PATTERN,
  LIMITED_FIELDS,
  MAX_FIELD_LIMIT_BYTES,
  type LimitedField,
} from '../../core/contracts/field-rules.js';
import { maxRecordBytes, RECORD_CAPACITY_BYTES } from '../../adapters/redis/record/record-bound.js';
import { DEFAULT_MAX_TEXT_BYTES } from '../../core/classifier/limits.js';
import {
  BUILTIN_TAXONOMIES,
  DEFAULT_REGION_TAXONOMIES,
  routingProblems,
  type TaxonomyRouting,
} from '../../core/classifier/taxonomy.js';
import { CATEGORY_SYMBOLS } from '../../core/contracts/schema-types.generated.js';

/** Tunables of the runtime that live in the config file next to the SLA policy. */
/** Characters of comment text kept with an open SLA for alerts and the board: a board line's worth. */
export const DEFAULT_EXCERPT_CHARS = 60;

/** `limits.maxFieldBytes`: one optional byte limit per string field, by its dotted path. */
const fieldBytesSchema = z
  .object(
    Object.fromEntries(
      LIMITED_FIELDS.map((field) => [
        field,
        z.number().int().positive().max(MAX_FIELD_LIMIT_BYTES).default(DEFAULT_FIELD_BYTES[field]),
      ]),
    ) as Record<LimitedField, z.ZodDefault<z.ZodNumber>>,
  )
  .strict()
  .default({ ...DEFAULT_FIELD_BYTES });

const taxonomiesDefault = () => ({
  named: {},
  regions: { ...DEFAULT_REGION_TAXONOMIES },
  pages: {},
  default: 'full',
});

// Which categories a comment's source routes to (docs/classifier.md#routing-taxonomies): taxonomies of
// our own besides the shipped ones, and which one a region's or a page's comments use.
const taxonomiesSchema = z
  .object({
    // Taxonomies of our own: a name and the categories it routes to.
    named: z.record(z.string(), z.array(z.enum(CATEGORY_SYMBOLS)).min(1)).default({}),
    // Region code to taxonomy name: the taxonomy that region's comments use.
    regions: z.record(z.string(), z.string()).default({ ...DEFAULT_REGION_TAXONOMIES }),
    // Page id to taxonomy name (wins over the region's).
    pages: z.record(z.string(), z.string()).default({}),
    // The taxonomy of comments no region or page names.
    default: z.string().default('full'),
  })
  .strict()
  .default(taxonomiesDefault)
  .superRefine((t, ctx) => {
    const problems = routingProblems({
      taxonomies: { ...BUILTIN_TAXONOMIES, ...t.named },
      regions: t.regions,
      pages: t.pages,
      defaultTaxonomy: t.default,
    });
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
  });

export const runtimeSchema = z
  .object({
    // What the input gate accepts from a CommentEvent (docs/contracts.md); beyond it, the dead-letter topic.
    limits: z
      .object({
        // Longest comment text accepted, in UTF-8 bytes.
        maxTextBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024),
        // How far in the past posted_at may be, in days.
        postedAtPastDays: z.number().positive().default(365),
        // How far in the future posted_at may be (clock skew of collectors), in minutes.
        postedAtFutureMinutes: z.number().nonnegative().default(10),
        // Longest value of each identifier field, in UTF-8 bytes, by its dotted path.
        maxFieldBytes: fieldBytesSchema,
        // Region codes accepted besides the federal subjects' (a test region, a non-Russian one).
        extraRegions: z
          .array(z.string().regex(EXTRA_REGION_PATTERN, 'letters, digits and _ . - only, 1 to 64 of them'))
          .default([]),
      })
      .strict()
      .default({
        maxTextBytes: 64 * 1024,
        postedAtPastDays: 365,
        postedAtFutureMinutes: 10,
        maxFieldBytes: { ...DEFAULT_FIELD_BYTES },
        extraRegions: [],
      }),
    // The rule classifier (docs/classifier.md).
    classifier: z
      .object({
        // Bytes of UTF-8 read from the start of a text; the rest is ignored and flagged
        // (classification.text_truncated). Classifying costs ~25 µs per KiB (docs/classifier.md).
        maxTextBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024)
          .default(DEFAULT_MAX_TEXT_BYTES),
        // Which categories a comment's source routes to (docs/classifier.md#routing-taxonomies).
        taxonomies: taxonomiesSchema,
      })
      .strict()
      .default({ maxTextBytes: DEFAULT_MAX_TEXT_BYTES, taxonomies: taxonomiesDefault() }),
    // The sweeper's pacing (docs/sla-engine.md).
    sweeper: z
      .object({
        // How long a claimed due deadline stays with one sweeper before another may take it over.
        leaseMs: z.number().int().positive().default(30_000),
        // Longest sleep between two looks for due deadlines.
        maxSleepMs: z.number().int().positive().default(250),
        // Most due deadlines claimed at once.
        claimBatch: z.number().int().positive().default(500),
      })
      .strict()
      .default({ leaseMs: 30_000, maxSleepMs: 250, claimBatch: 500 }),
    // Days a closed SLA record is kept in Redis (duplicates and late replies are recognised).
    retentionDays: z.number().positive().default(7),
    // 0 stores and sends no excerpt. Each character costs ~0.6 byte of Redis per open comment
    // (docs/sla-engine.md, memory): the default keeps an open comment within its 250-byte budget.
    excerptChars: z.number().int().nonnegative().max(500).default(DEFAULT_EXCERPT_CHARS),
  })
  .strict()
  .superRefine(({ limits, excerptChars }, ctx) => {
    // Whatever passes the gate must fit in an open record (record-bound.ts): refuse limits that would
    // let one comment make a record the Redis scripts cannot store, rather than fail on that comment.
    const bound = maxRecordBytes(limits.maxFieldBytes, excerptChars);
    if (bound > RECORD_CAPACITY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'maxFieldBytes'],
        message:
          `an open record could take ${bound} bytes with these limits (region, municipality, thread_id, ` +
          `page_id, url) and excerptChars ${excerptChars}, over the ${RECORD_CAPACITY_BYTES} bytes one can ` +
          `hold; lower some of them`,
      });
    }
    limits.extraRegions.forEach((region, i) => {
      if (Buffer.byteLength(region) > limits.maxFieldBytes.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['limits', 'extraRegions', i],
          message: `longer than limits.maxFieldBytes.region (${limits.maxFieldBytes.region} bytes)`,
        });
      }
    });
  });

export type RuntimeConfig = z.infer<typeof runtimeSchema>;

export interface AppConfig {
  env: EnvConfig;
  runtime: RuntimeConfig;
  sla: PolicyConfig;
  configFile: string | undefined;
}

/** Thrown when configuration is invalid; its message lists every problem by variable or path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function zodProblems(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `${prefix}${path}: ${issue.message}`;
  });
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`OTKLIK_CONFIG: cannot read ${path}: ${(e as Error).message}`]);
  }
  const yaml = parseConfigYaml(text);
  if (!yaml.ok) {
    // Where and what, never the line itself (it may hold a password): see yaml-text.ts.
    throw new ConfigError(
      yaml.problems.map((p) => `${path}${p.line ? `:${p.line}:${p.col}` : ''}: not valid YAML: ${p.problem}`),
    );
  }
  const parsed = yaml.value;
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${path}: the top level must be a mapping`]);
  }
  return parsed as Record<string, unknown>;
}

/** Validates the environment and the optional config file together, reporting all problems at once. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const env = envSchema.safeParse(environment);
  if (!env.success) problems.push(...zodProblems(env.error, ''));

  const configFile = environment.OTKLIK_CONFIG || undefined;
  const { sla: rawSla, ...rawRuntime } = configFile ? readConfigFile(configFile) : {};
  const where = configFile ? `${configFile}: ` : 'config: ';

  const runtime = runtimeSchema.safeParse(rawRuntime);
  if (!runtime.success) problems.push(...zodProblems(runtime.error, where));

  let sla: PolicyConfig | undefined;
  try {
    sla = parsePolicyConfig(rawSla ?? {});
  } catch (e) {
    if (!(e instanceof PolicyConfigError)) throw e;
    problems.push(...e.problems.map((p) => `${where}sla.${p}`));
  }

  if (problems.length || !env.success || !runtime.success || !sla) throw new ConfigError(problems);
  return { env: env.data, runtime: runtime.data, sla, configFile };
}

/** The routing of `classifier.taxonomies`: the shipped taxonomies plus the config file's own. */
export function taxonomyRoutingOf(runtime: RuntimeConfig): TaxonomyRouting {
  const t = runtime.classifier.taxonomies;
  return {
    taxonomies: { ...BUILTIN_TAXONOMIES, ...t.named },
    regions: t.regions,
    pages: t.pages,
    defaultTaxonomy: t.default,
  };
}
