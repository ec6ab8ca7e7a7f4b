/**
 * The incident service in a running stack (a worker and the service as processes): a burst opens one
 * incident; the service is SIGKILLed right after, the burst goes on while it is down, and once started
 * again it carries on the same incident with nothing applied twice; the replay command's detector, fed
 * the same comments, names the same incident with the same members.
 */
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';
import { IncidentStore } from '../../../../services/adapters/redis/incidents/incident-store.js';
import { ReplayStream } from '../../../../services/apps/incidents/replay-stream.js';
import {
  decodeClassifiedComment,
  decodeIncidentEvent,
  encodeCommentEvent,
  type CommentEvent,
  type IncidentEvent,
} from '../../../../services/core/contracts/index.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';
import { createTestTopics, produce, readToEnd } from '../../../../tools/harness/kafka.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { PriorityRaiser } from '../../../../services/adapters/redis/incidents/priority-raise.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { PRIORITY_CODES } from '../../../../services/adapters/redis/record/record.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { isolatedStack } from '../../../support/fixture.js';
import { burstKeys, incidentStream } from '../../../support/incident-burst.js';
import { readTopic } from '../../../support/topic-reader.js';

// One partition: the detector's clock is event time, and the replay reads in posted_at order; so does
// the service when the classified stream is in that order (docs/incidents.md#the-service says why).
const stack = isolatedStack('incidents', {
  OTKLIK_TOPIC_PARTITIONS: '1',
  OTKLIK_CONSUMER_SESSION_TIMEOUT_MS: '6000',
  OTKLIK_BATCH_SIZE: '4',
});
let producer: Producer;
let worker: RoleProcess | undefined;
let service: RoleProcess | undefined;

beforeAll(async () => {
  await createTestTopics(stack.kafka, stack.env);
  await ensureTopics(stack.kafka, [
    { topic: stack.env.OTKLIK_TOPIC_INCIDENTS as string, numPartitions: 1, replicationFactor: 1 },
  ]);
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
});
afterAll(async () => {
  await service?.kill();
  await worker?.kill();
  await producer.disconnect();
});

async function cli(...argv: string[]): Promise<string[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: stack.env });
  expect(code, err.join('\n')).toBe(0);
  return out;
}

const send = (events: CommentEvent[]) =>
  produce(
    producer,
    stack.env.OTKLIK_TOPIC_COMMENTS as string,
    events.map((e) => ({ key: `${e.platform}:${e.comment_id}`, value: encodeCommentEvent(e) })),
  );

describe('incident service', () => {
  it('opens one incident from a burst, survives a SIGKILL, and agrees with the replay', async () => {
    const from = Date.now() - 3 * 3_600_000;
    const tag = stack.id;
    const env = { ...stack.env, OTKLIK_INCIDENTS_GROUP_ID: `${stack.env.OTKLIK_GROUP_ID}-incidents` };
    worker = launchRole({ name: 'worker', roles: ['worker'], env });
    service = launchRole({ name: 'incidents', script: 'services/apps/incidents/main.ts', env });
    const topic = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_INCIDENTS as string);
    const events = () => topic.messages.map((m) => decodeIncidentEvent(m.value as Buffer));
    try {
      await send(incidentStream(from, tag, 'first'));
      await topic.waitFor(() => events().some((e) => e.kind === 'OPENED'), 40_000);
      await service.kill();

      await send(incidentStream(from, tag, 'rest'));
      service.restart();
      const all = new Set(burstKeys(tag));
      const members = () => new Set(events().flatMap((e) => e.member_keys));
      await topic.waitFor(() => [...all].every((k) => members().has(k)), 40_000);

      // A repeat on the topic (a crash between publishing and acknowledging) is told by its sequence.
      const unique = new Map<string, IncidentEvent>();
      for (const e of events()) unique.set(`${e.incident_id}/${e.sequence}`, e);
      const opened = [...unique.values()].filter((e) => e.kind === 'OPENED');
      expect(
        opened.map((e) => e.incident_id),
        service.output(),
      ).toHaveLength(1);
      const id = (opened[0] as IncidentEvent).incident_id;
      expect(new Set([...unique.values()].map((e) => e.incident_id))).toEqual(new Set([id]));
      expect(members()).toEqual(all);
      const sequences = [...unique.values()].map((e) => e.sequence).sort((a, b) => a - b);
      expect(sequences).toEqual(sequences.map((_, i) => i));
      expect((opened[0] as IncidentEvent).title).toMatch(/^ЖКХ: .*вод/);

      // Every comment was read into the detector's log once, whatever was read again after the kill.
      const redis = stack.redis();
      try {
        const store = new IncidentStore(redis, stack.env.OTKLIK_KEY_PREFIX as string);
        const view = await store.read(0, 0, 1_000);
        const stream = incidentStream(from, tag);
        expect(view.seq).toBe(stream.length);
        expect(new Set(view.records.map((r) => (JSON.parse(r) as string[])[0])).size).toBe(stream.length);
        const openNow = await store.openIncidents(0);
        expect([...openNow.keys()]).toEqual([id]);
        expect(JSON.parse(openNow.get(id) as string)).toMatchObject({ size: all.size, authors: all.size });
        expect(new Set(await store.members(0, id))).toEqual(all);

        // Each member with an open SLA is one priority step up from what the worker gave it.
        const admin = stack.kafka.admin();
        await admin.connect();
        const classified = (await readToEnd(stack.kafka, admin, stack.env.OTKLIK_TOPIC_CLASSIFIED as string))
          .map((m) => decodeClassifiedComment(m.value as Buffer))
          .filter((c) => all.has(c.key) && c.sla !== null);
        await admin.disconnect();
        expect(classified.length).toBeGreaterThan(all.size / 2);
        const keys = new SlaKeys(stack.env.OTKLIK_KEY_PREFIX as string);
        const shards = Number(stack.env.OTKLIK_SHARDS);
        for (const c of classified) {
          const record = await redis.hgetBuffer(keys.record(shardOf(c.key, shards), c.key), c.key);
          const priority = record?.toString('latin1').split('\x1f')[10];
          const order = ['l', 'n', 'h', 'c'];
          const given = order.indexOf(PRIORITY_CODES[c.classification.priority] as string);
          expect(priority, c.key).toBe(order[Math.min(3, given + 1)]);
        }
        // ... and the `open` gauge moved with them: the burst's region and category have no other open SLA.
        const gauges = await new SlaReader(redis, {
          prefix: stack.env.OTKLIK_KEY_PREFIX as string,
          shards,
        }).gaugeRows();
        const open = (priority: string) =>
          gauges
            .filter((g) => g.metric === 'open' && g.region === '54' && g.category === 'housing_utilities')
            .filter((g) => g.priority === priority)
            .reduce((n, g) => n + g.value, 0);
        // A repeat (the service publishing again after a crash) raises nothing twice.
        const raiser = new PriorityRaiser(redis, {
          prefix: stack.env.OTKLIK_KEY_PREFIX as string,
          shards,
          steps: 1,
          markerTtlSeconds: 60,
        });
        expect(await raiser.raise(id, [...all])).toEqual(new Map([['DUPLICATE', all.size]]));
        // `otklik incidents` lists it, with its members still waiting for a reply, and follows its events.
        const listed = await cli('incidents', 'list', '--json');
        expect(listed.map((l) => JSON.parse(l) as { incident_id: string; unanswered: number })).toEqual([
          expect.objectContaining({ incident_id: id, unanswered: classified.length }),
        ]);
        const followed = await cli('incidents', 'follow', '--from-beginning', '--json', '--limit', '1');
        expect(JSON.parse(followed[0] as string)).toMatchObject({ incident_id: id, kind: 'OPENED' });
        expect(open('normal')).toBe(0);
        expect(open('high')).toBe(classified.filter((c) => c.classification.priority === 'normal').length);

        const replay = new ReplayStream();
        const lines = stream.flatMap((e) => replay.detect(e));
        expect(new Set(lines.map((l) => l.incident_id))).toEqual(new Set([id]));
        expect(new Set(lines.flatMap((l) => l.comment_ids))).toEqual(all);
      } finally {
        redis.disconnect();
      }
      expect(service.exitedEarly(), service.output()).toBe(false);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${worker.output(30)}\n${service.output(30)}`, {
        cause: error,
      });
    } finally {
      await topic.close();
    }
  });
});
