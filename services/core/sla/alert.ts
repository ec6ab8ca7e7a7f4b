import { createHash } from 'node:crypto';
import type { AlertKind, SlaTarget } from '../contracts/schema-types.generated.js';

/**
 * Deterministic alert id: the same (comment, kind, level, target) always gets the same id, so consumers
 * can deduplicate the at-least-once stream. The first reply's ids are those of before issue #16 (the
 * target is not hashed), the other targets' differ from them. Shaped like a UUID (name-based, SHA-1)
 * for tools that expect one.
 */
export function alertIdOf(
  commentKey: string,
  kind: AlertKind,
  level: number,
  target: SlaTarget = 'FIRST_REPLY',
): string {
  const suffix = target === 'FIRST_REPLY' ? '' : `\u0000${target}`;
  const hex = createHash('sha1')
    .update(`otklik-alert\u0000${commentKey}\u0000${kind}\u0000${level}${suffix}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
