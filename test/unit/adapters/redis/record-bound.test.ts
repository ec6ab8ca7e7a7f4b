import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_BYTES } from '../../../../services/core/contracts/index.js';
import { encodeRecordBody } from '../../../../services/adapters/redis/record/record.js';
import { excerptOf } from '../../../../services/core/sla/plan.js';
import {
  maxRecordBytes,
  RECORD_CAPACITY_BYTES,
  RECORD_FIXED_BYTES,
  type RecordFieldBytes,
} from '../../../../services/adapters/redis/record/record-bound.js';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';

/** Strings of exactly `bytes` UTF-8 bytes made of `unit`, padded with 'a'. */
function fill(bytes: number, unit: string): string {
  const size = Buffer.byteLength(unit);
  return unit.repeat(Math.floor(bytes / size)) + 'a'.repeat(bytes % size);
}

function openAtLimits(
  limits: RecordFieldBytes,
  unit: string,
  text: string,
  excerptChars: number,
): OpenSlaCommand {
  const postedAt = 2 ** 52;
  return {
    kind: 'open',
    commentKey: 'VK:1',
    commentId: '1',
    platform: 'VK',
    shard: 0,
    region: fill(limits.region, '7'),
    category: 'housing_utilities',
    priority: 'critical',
    policyId: 'default/critical',
    postedAt,
    warnAt: postedAt + 2 ** 40,
    dueAt: postedAt + 2 ** 41,
    escalationIntervalMs: 2 ** 45,
    maxEscalationLevel: 2 ** 40,
    municipality: fill(limits.municipality, unit),
    // Starts with a letter the url lacks: a thread id found in the url would be replaced by a mark.
    threadId: `T${fill(limits.thread_id - 1, unit)}`,
    pageId: fill(limits.page_id, unit),
    url: fill(limits.url, unit),
    excerpt: excerptOf(text, excerptChars),
  };
}

// The costliest characters: printable ASCII rare in ids, escaped 2-, 3- and 4-byte characters.
const ID_UNITS = ['~', '`', ' ', 'é', 'ж', '中', '😀', 'ÿ'];
const TEXT_UNITS = ['\u0001', '\ud800', '😀', '#', '~', 'ж', '中'];

describe('the open record bound', () => {
  it('holds for records made of the costliest characters, at the default limits and excerpts', () => {
    for (const excerptChars of [0, 60, 500]) {
      const bound = maxRecordBytes(DEFAULT_FIELD_BYTES, excerptChars);
      for (const unit of ID_UNITS) {
        for (const textUnit of TEXT_UNITS) {
          const command = openAtLimits(DEFAULT_FIELD_BYTES, unit, textUnit.repeat(2000), excerptChars);
          // Lua prepends the alert head: kind, level (up to max level) and the next alert delta.
          const luaHead = 1 + (2 ** 40).toString(36).length + 1 + (-(2 ** 45)).toString(36).length + 1;
          const size = luaHead + encodeRecordBody(command).length;
          expect(size, `${unit} ${JSON.stringify(textUnit)} ${excerptChars}`).toBeLessThanOrEqual(bound);
        }
      }
    }
  });

  it('is not loose: the costliest record comes within a few percent of it', () => {
    const command = openAtLimits(DEFAULT_FIELD_BYTES, 'é', '\u0001'.repeat(2000), 500);
    const size = encodeRecordBody(command).length;
    expect(size).toBeGreaterThan(maxRecordBytes(DEFAULT_FIELD_BYTES, 500) - RECORD_FIXED_BYTES);
  });

  it('grows with every limit and the excerpt, and refuses nothing at the defaults', () => {
    const base = maxRecordBytes(DEFAULT_FIELD_BYTES, 60);
    expect(base).toBeLessThan(RECORD_CAPACITY_BYTES / 2);
    for (const field of ['region', 'municipality', 'thread_id', 'page_id', 'url'] as const) {
      expect(
        maxRecordBytes({ ...DEFAULT_FIELD_BYTES, [field]: DEFAULT_FIELD_BYTES[field] + 100 }, 60),
      ).toBeGreaterThan(base);
    }
    expect(maxRecordBytes(DEFAULT_FIELD_BYTES, 61)).toBeGreaterThan(base);
    expect(maxRecordBytes({ ...DEFAULT_FIELD_BYTES, url: 8192 }, 60)).toBeGreaterThan(RECORD_CAPACITY_BYTES);
  });
});
