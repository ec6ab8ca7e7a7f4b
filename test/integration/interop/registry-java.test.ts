/**
 * Interop with a third-party client through a real Schema Registry (Apicurio): a Java producer using
 * Apicurio's own Avro serde registers its CommentEvent schemas itself (ours, then a newer version with
 * an added field) and writes their ids; the worker, in registry mode, classifies every message (none in
 * the dead-letter topic); a Java consumer with the registry-aware deserializer decodes every
 * ClassifiedComment and SlaAlert the worker and the sweeper wrote (each comment's BREACH among them).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../services/runtime/app.js';
import { SCHEMAS_DIR } from '../../../services/core/contracts/index.js';
import { isolatedStack } from '../../support/fixture.js';
import { readTopic } from '../../support/topic-reader.js';
import { nativeRegistryUrl, registryGet, registryUrl, runJavaInterop } from '../../support/registry.js';

const COMMENTS = 6;
const dir = mkdtempSync(join(tmpdir(), 'otklik-registry-java-'));
const configFile = join(dir, 'policy.yaml');
// Deadlines of a second: each comment's WARNING and BREACH arrive within the test.
writeFileSync(
  configFile,
  [
    'sla:',
    '  name: short',
    '  targets: { critical: 1s, high: 1s, normal: 1s, low: 1s }',
    '  warnFraction: 0.5',
    '  escalation: { every: 10s, maxLevel: 0 }',
    'sweeper: { leaseMs: 5000, maxSleepMs: 100, claimBatch: 100 }',
  ].join('\n'),
);

const url = registryUrl();
const stack = isolatedStack('registry-java', { OTKLIK_CONFIG: configFile, SCHEMA_REGISTRY_URL: url });
const topic = (name: string) => stack.env[name] as string;
let app: RunningApp;

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
});
afterAll(async () => {
  await app?.close();
});

const idOf = (value: Buffer | null) => (value as Buffer).readUInt32BE(1);

describe('a Java producer and consumer with Apicurio serde, through a real registry', () => {
  it('classifies every event the Java producer wrote with two schema versions, and the Java consumer decodes every output', async () => {
    const v3 = nativeRegistryUrl(url);
    // The readers join their groups while the JVM starts: they read from the beginning.
    const [produced, comments, classified, alerts, dlq] = await Promise.all([
      runJavaInterop([
        'produce',
        stack.brokers,
        v3,
        topic('OTKLIK_TOPIC_COMMENTS'),
        join(SCHEMAS_DIR, 'comment-event.v1.avsc'),
        String(COMMENTS),
        stack.id,
      ]),
      readTopic(stack.kafka, topic('OTKLIK_TOPIC_COMMENTS')),
      readTopic(stack.kafka, topic('OTKLIK_TOPIC_CLASSIFIED')),
      readTopic(stack.kafka, topic('OTKLIK_TOPIC_ALERTS')),
      readTopic(stack.kafka, topic('OTKLIK_TOPIC_DLQ')),
    ]);
    expect(produced).toContain(`PRODUCED ${COMMENTS}`);
    // Every deadline falls due within a second of this; a WARNING may be skipped when its time passed
    // before the comment was classified, a BREACH never.
    const allDue = Date.now() + 2_500;

    // The producer registered two versions under the topic's subject and wrote both ids.
    const inputs = await comments.waitFor((m) => m.length >= COMMENTS);
    const writerIds = [...new Set(inputs.map((m) => idOf(m.value)))];
    expect(writerIds).toHaveLength(2);
    const versions = (await registryGet(
      `/subjects/${topic('OTKLIK_TOPIC_COMMENTS')}-value/versions`,
    )) as number[];
    expect(versions.length).toBeGreaterThanOrEqual(2);

    const outputs = await classified.waitFor((m) => m.length >= COMMENTS);
    await alerts.waitFor((m) => m.length >= COMMENTS && Date.now() >= allDue);
    const alertCount = alerts.messages.length;
    expect(dlq.messages).toHaveLength(0);
    // Our outputs carry the registry's ids, which the registry serves as our schemas.
    const classifiedSchema = (await registryGet(`/schemas/ids/${idOf(outputs[0]?.value ?? null)}`)) as {
      schema: string;
    };
    expect(JSON.parse(classifiedSchema.schema).name).toBe('ClassifiedComment');

    const consumed = await runJavaInterop([
      'consume',
      stack.brokers,
      v3,
      `${topic('OTKLIK_TOPIC_CLASSIFIED')},${topic('OTKLIK_TOPIC_ALERTS')}`,
      String(COMMENTS + alertCount),
      '30000',
    ]);
    expect(consumed).toContain(`CONSUMED ${COMMENTS + alertCount}`);
    const records = (lines: string[], name: string) =>
      lines.filter((l) => l.startsWith(`RECORD ${name} `)).map((l) => l.slice(`RECORD ${name} `.length));
    const classifiedRecords = records(consumed, 'otklik.ClassifiedComment');
    expect(classifiedRecords).toHaveLength(COMMENTS);
    for (let i = 0; i < COMMENTS; i++) {
      expect(classifiedRecords.some((r) => r.includes(`"comment_id": "${stack.id}-${i}"`))).toBe(true);
    }
    const alertRecords = records(consumed, 'otklik.SlaAlert');
    expect(alertRecords).toHaveLength(alertCount);
    expect(alertRecords.filter((r) => r.includes('"kind": "BREACH"'))).toHaveLength(COMMENTS);
  });
});
