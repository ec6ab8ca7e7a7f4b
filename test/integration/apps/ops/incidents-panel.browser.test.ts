/**
 * The board's «Инциденты» panel in headless Chromium on the real broker and Redis: a burst goes through
 * a worker (SLA records) and the incident service's shard runner (the open incident and its members);
 * the panel shows the incident live, with its size, its unanswered members, a sparkline of its rate and
 * the list of members; once members are answered the count goes down.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { IncidentStore } from '../../../../services/adapters/redis/incidents/incident-store.js';
import { loadOpsConfig } from '../../../../services/apps/ops/config.js';
import { startOps, type RunningOps } from '../../../../services/apps/ops/main.js';
import type { BoardSnapshot } from '../../../../services/apps/ops/snapshot.js';
import { classify } from '../../../../services/core/classifier/index.js';
import { encodeCommentEvent, encodeIncidentEvent } from '../../../../services/core/contracts/index.js';
import { detectorCommentOf } from '../../../../services/core/incidents/comment.js';
import { ShardRunner } from '../../../../services/roles/incidents/shard-runner.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { createTestTopics, produce, until } from '../../../../tools/harness/kafka.js';
import { officialReply } from '../../../support/comments.js';
import { isolatedStack } from '../../../support/fixture.js';
import { burstKeys, incidentStream } from '../../../support/incident-burst.js';

const TOKEN = 'incidents-panel-test-token-0123456789';
const stack = isolatedStack('incidents-board');
let app: RunningApp | undefined;
let ops: RunningOps | undefined;
let browser: Browser | undefined;
let producer: Producer;
let page: Page;

async function snapshot(): Promise<BoardSnapshot> {
  const response = await fetch(`${ops?.url}/api/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as BoardSnapshot;
}

beforeAll(async () => {
  await createTestTopics(stack.kafka, stack.env);
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  ops = await startOps(
    loadOpsConfig({ ...stack.env, OPS_HTTP_PORT: '0', OPS_PUSH_INTERVAL_MS: '500', OPS_TOKEN: TOKEN }),
    stack.logger,
  );
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'ru-RU' });
});

afterAll(async () => {
  await browser?.close();
  await ops?.close();
  await app?.close();
  await producer?.disconnect();
});

describe('«Инциденты» panel', () => {
  it('shows an open incident live, with its members, rate and unanswered count', async () => {
    const tag = stack.id;
    const events = incidentStream(Date.now() - 3 * 3_600_000, tag);
    const comments = stack.env.OTKLIK_TOPIC_COMMENTS as string;
    const send = (list: typeof events) =>
      produce(
        producer,
        comments,
        list.map((e) => ({ key: `${e.platform}:${e.comment_id}`, value: encodeCommentEvent(e) })),
      );
    await send(events);
    const members = burstKeys(tag);
    const redis = app!.redis;
    const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
    await until(
      'the worker to open the SLAs',
      async () => ((await snapshot()).totals.open >= members.length ? true : undefined),
      30_000,
    );

    await page.goto(`${ops!.url}/?token=${TOKEN}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.isVisible('#incidents-empty')).toBe(true);

    const runner = new ShardRunner({
      shard: 0,
      store: new IncidentStore(redis, prefix),
      retentionMs: 72 * 3_600_000,
      lockTtlMs: 5_000,
      memberTtlSeconds: 3_600,
      encode: encodeIncidentEvent,
      logger: pino({ level: 'silent' }),
    });
    await runner.run(
      events.map((e, offset) => ({
        where: 'classified:0',
        offset,
        comment: detectorCommentOf(e, classify({ text: e.text, region: e.region, authorKind: 'CITIZEN' })),
      })),
    );
    const id = (await new IncidentStore(redis, prefix).openIncidents(0)).keys().next().value as string;
    const item = page.locator(`#incidents li[data-incident="${id}"]`);
    await item.waitFor();
    const waiting = (await snapshot()).incidents[0]?.unanswered ?? 0;
    expect(waiting).toBeGreaterThan(members.length / 2);
    expect(await item.locator('.size').textContent()).toContain(String(members.length));
    expect(await item.locator('.unanswered').textContent()).toBe(`без ответа: ${waiting}`);
    expect(await item.locator('.title').textContent()).toMatch(/^ЖКХ: .*вод/);
    expect(await item.locator('.spark > span').count()).toBe(12);
    await item.locator('summary').click();
    expect(await item.locator('.members li').count()).toBe(members.length);
    expect(await item.locator('.members li.waiting').count()).toBe(waiting);
    // A waiting member links to its comment (the URL from its SLA record).
    const first = item.locator('.members li.waiting a').first();
    const firstKey = (await first.textContent()) ?? '';
    expect(await first.getAttribute('href')).toMatch(new RegExp(`\\?reply=${firstKey.slice(3)}$`));
    expect(await item.locator('.members li.waiting a').count()).toBe(waiting);

    // Officials answer two members: the panel counts two fewer without a reload.
    const answered = events.filter((e) => members.includes(`VK:${e.comment_id}`)).slice(0, 2);
    await send(answered.map((e) => officialReply(e, e.posted_at + 60_000)));
    await page.waitForSelector(
      `#incidents li[data-incident="${id}"] .unanswered:text-is("без ответа: ${waiting - 2}")`,
      { timeout: 20_000 },
    );
    await page.screenshot({ path: 'test-artifacts/incidents-panel.png', fullPage: true });
  });
});
