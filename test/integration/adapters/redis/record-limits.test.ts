import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import {
  createCommentDecoder,
  encodeCommentEvent,
  type Classification,
  type CommentEvent,
} from '../../../../services/core/contracts/index.js';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import { encodeRecordBody } from '../../../../services/adapters/redis/record/record.js';
import { planSla } from '../../../../services/core/sla/plan.js';
import {
  maxRecordBytes,
  RECORD_CAPACITY_BYTES,
} from '../../../../services/adapters/redis/record/record-bound.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow } from './helpers.js';

const SHARDS = 2;
let redis: Redis;
let store: SlaStore;

beforeAll(() => {
  const stack = isolatedStack('sla-record-limits');
  redis = stack.redis();
  store = new SlaStore(redis, {
    prefix: stack.env.OTKLIK_KEY_PREFIX as string,
    shards: SHARDS,
    retentionMs: 60_000,
  });
});
afterAll(() => redis.disconnect());

/** `bytes` UTF-8 bytes of `unit`, padded with `pad`. */
function fill(bytes: number, unit: string, pad = 'a'): string {
  const size = Buffer.byteLength(unit);
  return unit.repeat(Math.floor(bytes / size)) + pad.repeat(bytes % size);
}

function configWith(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'otklik-record-limits-')), 'otklik.yaml');
  writeFileSync(file, yaml);
  return loadConfig({ OTKLIK_CONFIG: file });
}

const classification: Classification = {
  category: 'housing_utilities',
  type: 'complaint',
  priority: 'critical',
  toxic: false,
  spam: false,
  actionable: true,
  confidence: 0.9,
  evidence: [],
  version: 'test',
  text_truncated: false,
};

async function claimAll(): Promise<Awaited<ReturnType<SlaStore['claimDueMany']>>[number]['alerts']> {
  return (await store.claimDueMany([...Array(SHARDS).keys()], 100, 30_000)).flatMap((r) => r.alerts);
}

describe('the open record on the real scripts, at the limits the config admits', () => {
  it('a comment with every field at its configured maximum passes the gate, opens, alerts with every field intact and closes', async () => {
    // The longest url the config accepts with the longest excerpt: the largest record the gate admits.
    let url = 2048;
    while (
      maxRecordBytes({ region: 64, municipality: 256, thread_id: 256, page_id: 256, url: url + 1 }, 500) <=
      RECORD_CAPACITY_BYTES
    )
      url++;
    const region = 'R'.repeat(64);
    const config = configWith(
      `excerptChars: 500\nlimits:\n  maxFieldBytes:\n    url: ${url}\n  extraRegions: [${region}]\n` +
        `sla:\n  targets: { critical: 1m, high: 1m, normal: 1m, low: 1m }\n  escalation: { every: 1h, maxLevel: 3 }\n`,
    );
    expect(() => configWith(`excerptChars: 500\nlimits:\n  maxFieldBytes:\n    url: ${url + 1}\n`)).toThrow(
      /open record could take/,
    );
    const limits = config.runtime.limits;
    const now = await serverNow(redis);
    // The costliest characters: 'é' is escaped (31 bits for 2 bytes) in ids; U+0001 in text (33 bits).
    const event: CommentEvent = {
      event_id: fill(limits.maxFieldBytes.event_id, 'e'),
      op: 'POSTED',
      platform: 'TELEGRAM',
      comment_id: fill(limits.maxFieldBytes.comment_id, 'ж', 'c'),
      thread_id: `T${fill(limits.maxFieldBytes.thread_id - 1, 'é')}`,
      parent_comment_id: null,
      page_id: `P${fill(limits.maxFieldBytes.page_id - 1, 'é')}`,
      region,
      municipality: `M${fill(limits.maxFieldBytes.municipality - 1, 'é')}`,
      author: { id: fill(limits.maxFieldBytes['author.id'], 'a'), kind: 'CITIZEN' },
      text: '\u0001'.repeat(limits.maxTextBytes),
      posted_at: now - 2 * 3_600_000,
      url: fill(limits.maxFieldBytes.url, 'é'),
    };
    const decoded = createCommentDecoder({
      maxTextBytes: limits.maxTextBytes,
      maxFieldBytes: limits.maxFieldBytes,
      extraRegions: limits.extraRegions,
    })(encodeCommentEvent(event), {}, now);
    expect(decoded).toEqual(event);

    const plan = planSla(decoded, classification, config.sla, {
      shards: SHARDS,
      excerptChars: config.runtime.excerptChars,
    });
    const open = plan.command as OpenSlaCommand;
    expect(open.kind).toBe('open');
    // Near the capacity: the test really exercises the last chunks record.lua can name.
    const stored = 2 + 1 + 12 + 1 + encodeRecordBody(open).length;
    expect(stored).toBeGreaterThan(RECORD_CAPACITY_BYTES * 0.9);
    expect(stored).toBeLessThanOrEqual(RECORD_CAPACITY_BYTES);

    expect(await store.apply([open])).toEqual(['OPENED']);
    const [alert, ...others] = await claimAll();
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      kind: 'BREACH',
      commentId: event.comment_id,
      threadId: event.thread_id,
      pageId: event.page_id,
      region,
      municipality: event.municipality,
      url: event.url,
      excerpt: open.excerpt,
      postedAt: event.posted_at,
    });
    expect(open.excerpt).toHaveLength(500);

    // The claim rewrote the record with its next alert (ESCALATION 1); an answer closes it whole.
    const reply = {
      kind: 'answer' as const,
      commentKey: open.commentKey,
      shard: open.shard,
      answeredAt: now,
    };
    expect(await store.apply([reply])).toEqual(['ANSWERED']);
    expect(await redis.hlen(store.keys.record(open.shard, open.commentKey))).toBe(0);
  });

  it('holds a record of the capacity whole in one field, and a larger one too (no chunk limit in layout v2)', async () => {
    const now = await serverNow(redis);
    // Due already, so the record opens as `B0` SEP <due delta> SEP <due slot 0> SEP <no late slot> SEP
    // body; no escalation.
    const due = {
      postedAt: now - 120_000,
      warnAt: now - 90_000,
      dueAt: now - 60_000,
      maxEscalationLevel: 0,
    };
    const base = openCommand(now, SHARDS, { ...due, region: '' });
    const sizeOf = (c: OpenSlaCommand) =>
      2 + 1 + (60_000).toString(36).length + 1 + 1 + 1 + 1 + encodeRecordBody(c).length;
    const fits = openCommand(now, SHARDS, {
      ...due,
      region: 'r'.repeat(RECORD_CAPACITY_BYTES - sizeOf(base)),
    });
    expect(sizeOf(fits)).toBe(RECORD_CAPACITY_BYTES);
    expect(await store.apply([fits])).toEqual(['OPENED']);
    const bucket = store.keys.record(fits.shard, fits.commentKey);
    expect((await redis.hgetBuffer(bucket, fits.commentKey))?.length).toBe(RECORD_CAPACITY_BYTES);
    expect((await claimAll()).map((a) => a.region)).toEqual([fits.region]);

    // The capacity is kept from layout v1 (its 208 chunks) so that configs keep their meaning; one
    // field holds a larger record just as well.
    const over = openCommand(now, SHARDS, { ...due, region: `${fits.region}${'r'.repeat(1000)}` });
    expect(await store.apply([over])).toEqual(['OPENED']);
    expect((await claimAll()).map((a) => a.region)).toEqual([over.region]);
  });
});
