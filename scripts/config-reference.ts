/**
 * `npm run config:reference`: writes docs/configuration.md, every environment variable and every key of
 * the YAML file with its default and meaning, from the validators themselves: the zod schemas of
 * services/runtime/config (env.ts, load.ts), the ops board's (services/apps/ops/config.ts) and the SLA
 * policy's (services/core/sla). Defaults come from the schemas (parsing nothing), accepted values from
 * their JSON Schema, meanings from each key's description or the comment above it in the schema's
 * source. `--check` exits 1 when the file is stale; test/unit/repo/config-reference.test.ts does the same.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { envSchema } from '../services/runtime/config/env.js';
import { runtimeSchema } from '../services/runtime/config/load.js';
import { opsEnvSchema } from '../services/apps/ops/config.js';
import { policyConfigSchema } from '../services/core/sla/policy.js';

const ROOT = join(import.meta.dirname, '..');
export const REFERENCE_PATH = join(ROOT, 'docs', 'configuration.md');

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

const toJson = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** The comment block right above `key:` in a schema's source: the meaning the code gives it. */
class SourceComments {
  private readonly used = new Map<string, number>();
  private readonly lines: string[];
  constructor(files: string[]) {
    this.lines = files.flatMap((f) => readFileSync(join(ROOT, f), 'utf8').split('\n'));
  }
  /**
   * Occurrences are taken in order, so a key name used twice (maxTextBytes) gets each its own; one
   * without a comment (a default object's field) is passed over. A YAML line's own `# comment` counts.
   */
  take(key: string): string {
    const pattern = new RegExp(`^\\s*${key}:(\\s|$)`);
    for (let at = this.used.get(key) ?? 0; at < this.lines.length; at++) {
      if (!pattern.test(this.lines[at] ?? '')) continue;
      this.used.set(key, at + 1);
      const comment: string[] = [];
      for (let i = at - 1; i >= 0; i--) {
        const line = (this.lines[i] ?? '').trim();
        if (!/^(\/\/|\/\*\*|\*|#)/.test(line)) break;
        comment.unshift(line.replace(/^(\/\/|\/\*\*|\*\/|\*|#)\s?/, '').replace(/\s*\*\/$/, ''));
      }
      const inline = /\s#\s(.*)$/.exec(this.lines[at] ?? '')?.[1] ?? '';
      const text = [...comment, inline].join(' ').replace(/\s+/g, ' ').trim();
      if (text) return text;
    }
    return '';
  }
}

function accepts(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (s.anyOf) return s.anyOf.map(accepts).join(' or ');
  const bounds = [
    s.minimum !== undefined ? `≥ ${s.minimum}` : '',
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '',
    s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${s.maximum}` : '',
    s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : '',
  ].filter(Boolean);
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  const kind = s.format ? `${type} (${s.format})` : s.pattern ? `${type} matching \`${s.pattern}\`` : type;
  return [kind, ...bounds].join(' ');
}

function shown(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.length ? `\`${value.join(',')}\`` : '`[]`';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? 'see the schema' : `\`${text.replace(/\|/g, '\\|')}\``;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function envTable(
  schema: z.ZodObject,
  defaults: Record<string, unknown>,
  comments: SourceComments,
): string[] {
  const json = toJson(schema);
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const meaning = s.description ?? comments.take(name);
    return `| \`${name}\` | ${shown(defaults[name])} | ${cell(accepts(s))} | ${cell(meaning)} |`;
  });
}

/**
 * The schema's comments first; then, for the SLA policy, the commented example file that documents it
 * (config/otklik.example.yaml); a key with neither points to its parent's meaning.
 */
function yamlRows(prefix: string, s: JsonSchema, comments: SourceComments[], rows: string[]): void {
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const found = child.description ?? comments.map((c) => c.take(key)).find(Boolean);
    const meaning = found || (prefix ? `One entry of \`${prefix}\`.` : '');
    if (child.properties && Object.keys(child.properties).length) {
      rows.push(`| \`${path}\` | | object | ${cell(meaning)} |`);
      yamlRows(path, child, comments, rows);
    } else {
      const kind =
        child.additionalProperties && typeof child.additionalProperties === 'object' ? 'map' : accepts(child);
      rows.push(`| \`${path}\` | ${shown(child.default)} | ${cell(kind)} | ${cell(meaning)} |`);
    }
  }
}

/** The reference as markdown, formatted as the repository's prettier check expects it. */
export async function configurationReference(): Promise<string> {
  const text = referenceText();
  return format(text, { ...(await resolveConfig(REFERENCE_PATH)), parser: 'markdown' });
}

function referenceText(): string {
  const env = envTable(
    envSchema,
    envSchema.parse({}),
    new SourceComments(['services/runtime/config/env.ts']),
  );
  const ops = envTable(
    opsEnvSchema,
    opsEnvSchema.parse({}) as Record<string, unknown>,
    new SourceComments(['services/apps/ops/config.ts']),
  );
  const runtime: string[] = [];
  yamlRows('', toJson(runtimeSchema), [new SourceComments(['services/runtime/config/load.ts'])], runtime);
  const sla: string[] = [];
  yamlRows(
    'sla',
    toJson(policyConfigSchema),
    [
      new SourceComments([
        'services/core/sla/policy-schema.ts',
        'services/core/sla/policy-lifecycle-schema.ts',
        'services/core/sla/policy-schema-parts.ts',
      ]),
      new SourceComments(['config/otklik.example.yaml']),
    ],
    sla,
  );
  const head = '| Name | Default | Accepts | Meaning |\n| --- | --- | --- | --- |';
  const yamlHead = '| Key | Default | Accepts | Meaning |\n| --- | --- | --- | --- |';
  return [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run config:reference` from the validators (scripts/config-reference.ts); do not',
    '     edit by hand: test/unit/repo/config-reference.test.ts fails when this file is stale. -->',
    '',
    'Every process validates its whole configuration at start and refuses to start (exit code 2) with one',
    'line per problem. Environment variables first, then the YAML file that `OTKLIK_CONFIG` names.',
    '',
    '## Environment: every role, the CLI and the apps',
    '',
    'Read by the worker, the sweeper, the incident service, the analytics sink, the ops board and `otklik`.',
    '',
    head,
    ...env,
    '',
    '## Environment: the ops board only',
    '',
    head,
    ...ops,
    '',
    '## The YAML file (`OTKLIK_CONFIG`)',
    '',
    'Every key is optional. An example with comments: config/otklik.example.yaml.',
    '',
    yamlHead,
    ...runtime,
    '',
    '### `sla:`, the reply-deadline policy',
    '',
    'Semantics and examples: docs/sla-policy.md.',
    '',
    yamlHead,
    ...sla,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const text = await configurationReference();
  if (process.argv.includes('--check')) {
    const current = readFileSync(REFERENCE_PATH, 'utf8');
    if (current !== text) {
      process.stderr.write('docs/configuration.md is stale: run npm run config:reference\n');
      process.exit(1);
    }
  } else {
    writeFileSync(REFERENCE_PATH, text);
    process.stdout.write(`wrote ${REFERENCE_PATH}\n`);
  }
}
