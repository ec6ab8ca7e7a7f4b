import { z } from 'zod';
import { parseDuration } from './policy-duration.js';

/** Schema pieces shared by the `sla:` section's parts (policy-schema.ts, policy-lifecycle-schema.ts). */
const MAX_DURATION_MS = 2160 * 3_600_000;
const DURATION_EXAMPLE = 'a duration with a unit such as "90s", "15m", "2h" or "1h30m"';

export const duration = z.any().transform((value: unknown, ctx): number => {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) {
    const got = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
    const hint = typeof value === 'number' ? ' (a bare number has no unit)' : '';
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `expected ${DURATION_EXAMPLE}, got ${got}${hint}`,
    });
    return z.NEVER;
  }
  if (ms <= 0 || ms > MAX_DURATION_MS) {
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `"${value}" must be more than 0 and at most 2160h`,
    });
    return z.NEVER;
  }
  return ms;
});

export function oneOf(what: string, options: readonly string[]) {
  return {
    error: (issue: { input?: unknown }) =>
      `unknown ${what} ${JSON.stringify(issue.input)}; expected one of ${options.join(', ')}`,
  };
}

/** Unknown keys are typos: name them and list what is allowed. */
function unknownKeys(allowed: readonly string[], what = 'key') {
  return {
    error: (issue: { code?: string; keys?: string[]; input?: unknown }) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown ${what} ${issue.keys?.map((k) => `"${k}"`).join(', ')}; expected ${allowed.join(', ')}`;
      }
      if (issue.code === 'invalid_type') return `expected a mapping, got ${JSON.stringify(issue.input)}`;
      return undefined;
    },
  };
}

export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, unknownKeys(Object.keys(shape)));
}

export function partialRecord<Value extends z.core.SomeType>(
  what: string,
  keys: readonly [string, ...string[]],
  value: Value,
) {
  return z.partialRecord(z.enum(keys), value, unknownKeys(keys, what));
}
