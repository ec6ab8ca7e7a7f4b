/**
 * `otklik act` against the real broker: each action lands on the operator-actions topic keyed by the
 * comment key, reads back through the consumers' gate as sent, a retry with the same --action-id
 * carries the same action, and a bad action sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import {
  createOperatorActionDecoder,
  type OperatorAction,
} from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';

const stack = isolatedStack('act');
const topic = stack.env.OTKLIK_TOPIC_ACTIONS as string;
const gate = createOperatorActionDecoder();
let reader: Awaited<ReturnType<typeof readTopic>>;

async function otklik(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: stack.env });
  return { code, out, err, text: out.join('\n') };
}

beforeAll(async () => {
  await ensureTopics(stack.kafka, [{ topic, numPartitions: 2, replicationFactor: 1 }]);
  reader = await readTopic(stack.kafka, topic);
});
afterAll(async () => {
  await reader?.close();
});

describe('otklik act on the local stack', () => {
  it('publishes actions keyed by the comment key that read back through the gate, retries included', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const sends = [
      [
        'act',
        'VK:appeal-1',
        'assigned',
        '--operator',
        'op-1',
        '--agency',
        'roads-dept',
        '--executor',
        'brigade 3',
      ],
      [
        'act',
        'VK:appeal-1',
        'paused',
        '--operator',
        'op-1',
        '--reason',
        'citizen',
        '--at',
        at,
        '--note',
        'ждём адрес',
      ],
      [
        'act',
        'VK:appeal-1',
        'reclassified',
        '--operator',
        'op-2',
        '--priority',
        'critical',
        '--actionable',
        'true',
      ],
      [
        'act',
        'OK:appeal-2',
        'RESOLVED',
        '--operator',
        'op-3',
        '--action-id',
        'fixed-id-1',
        '--format',
        'json',
      ],
      // The retry of the last one: same action id.
      ['act', 'OK:appeal-2', 'resolved', '--operator', 'op-3', '--action-id', 'fixed-id-1'],
    ];
    const results = [];
    for (const argv of sends) {
      const r = await otklik(...argv, '--json');
      expect(r.err).toEqual([]);
      expect(r.code).toBe(0);
      results.push(JSON.parse(r.text) as { topic: string; partition: number; action: OperatorAction });
    }
    const messages = await reader.waitFor((all) => all.length >= sends.length, 20_000);
    expect(messages).toHaveLength(sends.length);
    const read = messages.map((m) => ({
      key: m.key?.toString(),
      action: gate(m.value, m.headers, Date.now()),
    }));
    for (const { key, action } of read) expect(key).toBe(action.comment_key);
    const byId = new Map(read.map((r) => [r.action.action_id, r.action]));
    for (const sent of results.slice(0, 3)) expect(byId.get(sent.action.action_id)).toEqual(sent.action);

    const [assigned, paused, reclassified] = results.map((r) => r.action);
    expect(assigned).toMatchObject({
      kind: 'ASSIGNED',
      assignment: { agency: 'roads-dept', executor: 'brigade 3' },
    });
    expect(paused).toMatchObject({
      kind: 'PAUSED',
      pause_reason: 'WAITING_FOR_CITIZEN',
      acted_at: Date.parse(at),
    });
    expect(reclassified?.correction).toEqual({
      category: null,
      type: null,
      priority: 'critical',
      actionable: true,
    });
    // Generated ids differ; the retry carries the given one, the same action both times.
    expect(new Set(results.slice(0, 3).map((r) => r.action.action_id)).size).toBe(3);
    const retried = read.filter((r) => r.action.action_id === 'fixed-id-1').map((r) => r.action);
    expect(retried).toHaveLength(2);
    expect(retried[0]).toEqual({ ...retried[1], acted_at: retried[0]!.acted_at });
    // One appeal's actions share a partition, so they are read in the order they were sent.
    expect(new Set(results.slice(0, 3).map((r) => r.partition)).size).toBe(1);
    expect(read.filter((r) => r.key === 'VK:appeal-1').map((r) => r.action.kind)).toEqual([
      'ASSIGNED',
      'PAUSED',
      'RECLASSIFIED',
    ]);
  });

  it('refuses a bad action with exit code 2 and sends nothing', async () => {
    const before = reader.messages.length;
    const cases = [
      [['act', 'VK:appeal-9', 'paused', '--operator', 'op-1'], /PAUSED requires pause_reason/],
      [
        ['act', 'VK:appeal-9', 'resolved', '--operator', 'op-1', '--agency', 'x'],
        /assignment is for ASSIGNED only/,
      ],
      [['act', 'appeal-9', 'resolved', '--operator', 'op-1'], /comment_key must be PLATFORM:comment_id/],
      [['act', 'VK:appeal-9', 'closed', '--operator', 'op-1'], /unknown action "closed"/],
      [['act', 'VK:appeal-9', 'reclassified', '--operator', 'op-1'], /RECLASSIFIED requires correction/],
      [
        ['act', 'VK:appeal-9', 'resolved', '--operator', 'op-1', '--at', '1970-01-02T00:00:00Z'],
        /acted_at .* is outside/,
      ],
    ] as const;
    for (const [argv, message] of cases) {
      const r = await otklik(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n')).toMatch(message);
    }
    // A marker sent after them is the next message: none of the refused ones was written.
    expect(
      (await otklik('act', 'VK:appeal-9', 'resumed', '--operator', 'op-1', '--action-id', 'marker')).code,
    ).toBe(0);
    const after = await reader.waitFor((all) => all.length > before, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(after.slice(before).map((m) => gate(m.value, m.headers, Date.now()).action_id)).toEqual([
      'marker',
    ]);
  });
});
