import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createPlainProducer } from '../../../../services/adapters/kafka/producer.js';
import { encodeCommentEvent } from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { commentEvent } from '../../../support/comments.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const MAIN = [...entryArguments('services/runtime/main.ts')];

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the worker process', () => {
  it('exits with code 2 and a message naming the variable when the configuration is invalid', () => {
    const result = spawnSync(process.execPath, [...MAIN, 'worker'], {
      env: { ...process.env, KAFKA_BROKERS: 'not-a-broker', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/KAFKA_BROKERS: .*host:port/);
    expect(result.stderr).toMatch(/LOG_LEVEL: /);
  });

  it('serves health, readiness and Prometheus metrics, and exits 0 on SIGTERM', async () => {
    const stack = isolatedStack('process');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [...MAIN, 'worker', 'sweeper'], {
      env: { ...process.env, ...stack.env, HTTP_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    try {
      expect((await waitFor(() => fetch(url('/healthz')))).status).toBe(200);
      await waitFor(async () => ((await fetch(url('/readyz'))).status === 200 ? true : undefined));

      const producer = createPlainProducer(stack.kafka);
      await producer.connect();
      const event = commentEvent({ text: 'Во дворе не вывозят мусор уже неделю, когда уберут?' });
      await producer.send({
        topic: stack.env.OTKLIK_TOPIC_COMMENTS as string,
        messages: [{ key: `VK:${event.comment_id}`, value: encodeCommentEvent(event) }],
      });
      await producer.disconnect();

      const metrics = await waitFor(async () => {
        const body = await (await fetch(url('/metrics'))).text();
        return /otklik_messages_in_total\{[^}]*\} 1\b/.test(body) ? body : undefined;
      });
      expect(metrics).toMatch(/otklik_sla_open 1\b/);
      expect(metrics).toMatch(/otklik_batch_duration_seconds_count \d+/);
      expect(metrics).toMatch(/otklik_consumer_lag\{/);
      expect(logs).not.toContain(event.text.slice(0, 20));
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
    expect(logs).toContain('worker stopped');
    expect(logs).toContain('sweeper stopped');
  });
});
