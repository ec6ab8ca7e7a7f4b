/**
 * The same interop with the Node client library (@kafkajs/confluent-schema-registry), and a registry
 * outage: the worker reaches the registry through a TCP proxy the test closes for a few seconds while
 * messages with a schema id the worker has never seen arrive. They wait (fetching paused) and are
 * classified once the registry answers again: nothing lost, nothing dead-lettered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainProducer } from '../../../services/adapters/kafka/producer.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../services/runtime/app.js';
import { SCHEMAS_DIR } from '../../../services/core/contracts/index.js';
import { isolatedStack } from '../../support/fixture.js';
import { readTopic } from '../../support/topic-reader.js';
import { commentEvent } from '../../support/comments.js';
import { registryUrl } from '../../support/registry.js';
import { startTcpProxy } from '../../../tools/harness/tcp-proxy.js';
import { contractReadersOf } from '../../../services/runtime/schema-readers.js';
import { decoderOf } from '../../../services/apps/cli/commands/tail.js';
import type { ClassifiedComment } from '../../../services/core/contracts/index.js';

const direct = registryUrl();
const proxy = await startTcpProxy(new URL(direct));
const stack = isolatedStack('registry-node', {
  SCHEMA_REGISTRY_URL: proxy.url,
  SCHEMA_REGISTRY_TIMEOUT_MS: '1000',
});
const topic = (name: string) => stack.env[name] as string;
const registry = new SchemaRegistry({ host: direct });
const v1 = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'comment-event.v1.avsc'), 'utf8')) as {
  fields: unknown[];
};
/** The producer team's own versions: ours plus optional fields, each a BACKWARD-compatible step. */
const withFields = (...names: string[]) => ({
  ...v1,
  fields: [...v1.fields, ...names.map((name) => ({ name, type: ['null', 'string'], default: null }))],
});
let app: RunningApp;
let producer: Producer;

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await proxy.down();
});

async function registerOwn(schema: object): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: `${topic('OTKLIK_TOPIC_COMMENTS')}-value` },
  );
  return id;
}

async function produceWith(
  id: number,
  count: number,
  extra: Record<string, string | null>,
): Promise<string[]> {
  const events = Array.from({ length: count }, () => ({ ...commentEvent(), ...extra }));
  await producer.send({
    topic: topic('OTKLIK_TOPIC_COMMENTS'),
    messages: await Promise.all(
      events.map(async (e) => ({ key: `VK:${e.comment_id}`, value: await registry.encode(id, e) })),
    ),
  });
  return events.map((e) => e.comment_id);
}

describe('the Node client library through a real registry', () => {
  it('classifies what it wrote with its own registered versions, and decodes every output', async () => {
    const classified = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_CLASSIFIED'));
    const idV1 = await registerOwn(v1);
    const idV2 = await registerOwn(withFields('source_app'));
    expect(idV2).not.toBe(idV1);
    const ids = [
      ...(await produceWith(idV1, 3, {})),
      ...(await produceWith(idV2, 3, { source_app: 'node-interop' })),
    ];
    const outputs = await classified.waitFor((m) => m.length >= ids.length);
    const decoded = await Promise.all(outputs.map((m) => registry.decode(m.value as Buffer)));
    expect(decoded.map((d: { comment: { comment_id: string } }) => d.comment.comment_id).sort()).toEqual(
      [...ids].sort(),
    );
    // Our own reader (`otklik tail`) in registry mode reads the registry's ids the worker wrote; with
    // the carried catalogue's ids it skipped them (a registry id named another catalogue record).
    const readers = contractReadersOf(loadConfig(stack.env).env);
    expect(readers.mode).toBe('registry');
    const ours = decoderOf('classified', readers);
    await readers.preload(outputs);
    expect(
      outputs.map((m) => (ours(m.value as Buffer).json as ClassifiedComment).comment.comment_id).sort(),
    ).toEqual([...ids].sort());
  });

  it('a registry outage holds new schema ids back until it answers again: nothing lost, nothing dead-lettered', async () => {
    const classified = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_CLASSIFIED'));
    const dlq = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_DLQ'));
    const before = (await classified.waitFor((m) => m.length >= 6)).length;
    // A version the worker has never seen: reading it needs the registry.
    const idV3 = await registerOwn(withFields('source_app', 'campaign'));
    await proxy.down();
    const ids = await produceWith(idV3, 20, { source_app: 'node-interop', campaign: 'outage' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(classified.messages.length).toBe(before);
    const backAt = Date.now();
    await proxy.up();
    const outputs = (await classified.waitFor((m) => m.length >= before + ids.length)).slice(before);
    expect(outputs.every((m) => Number(m.timestamp) >= backAt)).toBe(true);
    const decoded = await Promise.all(outputs.map((m) => registry.decode(m.value as Buffer)));
    expect(decoded.map((d: { comment: { comment_id: string } }) => d.comment.comment_id).sort()).toEqual(
      [...ids].sort(),
    );
    expect(dlq.messages).toHaveLength(0);
  });
});
