import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { envSchema, type EnvConfig } from './env.js';
import { DEFAULT_MAX_TEXT_BYTES } from '../core/classifier/limits.js';
import { parsePolicyConfig, PolicyConfigError, type PolicyConfig } from '../core/sla/policy.js';

/** Tunables of the runtime that live in the config file next to the SLA policy. */
/** Characters of comment text kept with an open SLA for alerts and the board: a board line's worth. */
export const DEFAULT_EXCERPT_CHARS = 60;

const runtimeSchema = z
  .object({
    limits: z
      .object({
        maxTextBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024),
        postedAtPastDays: z.number().positive().default(365),
        postedAtFutureMinutes: z.number().nonnegative().default(10),
      })
      .strict()
      .default({ maxTextBytes: 64 * 1024, postedAtPastDays: 365, postedAtFutureMinutes: 10 }),
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
      })
      .strict()
      .default({ maxTextBytes: DEFAULT_MAX_TEXT_BYTES }),
    sweeper: z
      .object({
        leaseMs: z.number().int().positive().default(30_000),
        maxSleepMs: z.number().int().positive().default(250),
        claimBatch: z.number().int().positive().default(500),
      })
      .strict()
      .default({ leaseMs: 30_000, maxSleepMs: 250, claimBatch: 500 }),
    retentionDays: z.number().positive().default(7),
    // 0 stores and sends no excerpt. Each character costs ~0.6 byte of Redis per open comment
    // (docs/sla-engine.md, memory): the default keeps an open comment within its 250-byte budget.
    excerptChars: z.number().int().nonnegative().max(500).default(DEFAULT_EXCERPT_CHARS),
  })
  .strict();

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
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new ConfigError([`${path}: not valid YAML: ${(e as Error).message}`]);
  }
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
