/**
 * A detector shard on the real Redis, without Kafka: a chunk run twice is applied once; two runners (two
 * processes) taking turns on one shard build one log and publish each event once; a runner started
 * afresh (a restart) replays the log into the same detector; a killed process's lock expires.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { IncidentStore } from '../../../../services/adapters/redis/incidents/incident-store.js';
import { classify } from '../../../../services/core/classifier/index.js';
import {
  decodeIncidentEvent,
  encodeIncidentEvent,
  type IncidentEvent,
} from '../../../../services/core/contracts/index.js';
import { detectorCommentOf } from '../../../../services/core/incidents/comment.js';
import { ShardRunner, type ChunkRecord } from '../../../../services/roles/incidents/shard-runner.js';
import { isolatedStack } from '../../../support/fixture.js';
import { burstKeys, incidentStream } from '../../../support/incident-burst.js';

const stack = isolatedStack('incident-shard');
const redis = stack.redis();
afterAll(() => redis.disconnect());

function records(tag: string, where = 'classified:0'): ChunkRecord[] {
  return incidentStream(Date.UTC(2026, 0, 5, 6), tag).map((event, offset) => ({
    where,
    offset,
    comment: detectorCommentOf(event, classify({ text: event.text, region: event.region })),
  }));
}

function runner(prefix: string, published: IncidentEvent[], lockTtlMs = 5_000): ShardRunner {
  const r = new ShardRunner({
    shard: 0,
    store: new IncidentStore(redis, prefix),
    retentionMs: 72 * 3_600_000,
    lockTtlMs,
    memberTtlSeconds: 3_600,
    encode: encodeIncidentEvent,
    logger: pino({ level: 'silent' }),
  });
  r.publisher = async (messages) => {
    published.push(...messages.map((m) => decodeIncidentEvent(m.value)));
  };
  return r;
}

describe('incident shard runner', () => {
  it('applies a chunk run again (a redelivery) once', async () => {
    const prefix = `${stack.env.OTKLIK_KEY_PREFIX}:once`;
    const published: IncidentEvent[] = [];
    const input = records('once');
    const first = await runner(prefix, published).run(input);
    expect(first).toMatchObject({ applied: input.length, skipped: 0 });
    const again = await runner(prefix, published).run(input.slice(5));
    expect(again).toMatchObject({ applied: 0, skipped: input.length - 5, events: [] });
    expect((await new IncidentStore(redis, prefix).read(0, 0, 100)).seq).toBe(input.length);
    const opened = published.filter((e) => e.kind === 'OPENED');
    expect(opened).toHaveLength(1);
    expect(new Set(published.flatMap((e) => e.member_keys))).toEqual(new Set(burstKeys('once')));
  });

  it('gives two processes taking turns the events one process gives', async () => {
    const alone: IncidentEvent[] = [];
    const input = records('turns');
    await runner(`${stack.env.OTKLIK_KEY_PREFIX}:alone`, alone).run(input);

    const prefix = `${stack.env.OTKLIK_KEY_PREFIX}:turns`;
    const published: IncidentEvent[] = [];
    const a = runner(prefix, published);
    const b = runner(prefix, published);
    // Chunks of three, alternately, two at a time racing for the lock.
    for (let i = 0; i < input.length; i += 6)
      await Promise.all([a.run(input.slice(i, i + 3)), b.run(input.slice(i + 3, i + 6))]);
    const key = (e: IncidentEvent) => `${e.incident_id}/${e.sequence}/${e.kind}/${e.member_keys.join()}`;
    expect(published.map(key).sort()).toEqual(alone.map(key).sort());

    // A third process, started now, replays the log into the same detector: its next event follows on.
    const c: IncidentEvent[] = [];
    const late = records('turns').slice(-1)[0] as ChunkRecord;
    const next: ChunkRecord = {
      where: 'classified:1',
      offset: 0,
      comment: { ...late.comment, key: 'VK:turns-late', commentId: 'turns-late', authorId: 'late' },
    };
    await runner(prefix, c).run([next]);
    const id = published.find((e) => e.kind === 'OPENED')?.incident_id;
    expect(c).toMatchObject([{ incident_id: id, kind: 'UPDATED', member_keys: ['VK:turns-late'] }]);
    expect(c[0]?.sequence).toBe(Math.max(...published.map((e) => e.sequence)) + 1);
  });

  it('waits out the lock of a process that died holding it', async () => {
    const prefix = `${stack.env.OTKLIK_KEY_PREFIX}:dead`;
    const store = new IncidentStore(redis, prefix);
    expect(await store.lock(0, 'dead-process', 1_000)).toBe(true);
    const started = Date.now();
    const outcome = await runner(prefix, [], 1_000).run(records('dead').slice(0, 3));
    expect(outcome.applied).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});
