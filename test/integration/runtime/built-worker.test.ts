import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlainProducer } from '../../../services/adapters/kafka/producer.js';
import { encodeCommentEvent } from '../../../services/core/contracts/index.js';
import { REPO_ROOT } from '../../../services/runtime/launch.js';
import { buildInto } from '../../../scripts/build.js';
import { isolatedStack } from '../../support/fixture.js';
import { commentEvent } from '../../support/comments.js';

// The production path (issue #21): the worker as the image starts it, `node dist/services/runtime/main.js`,
// with no transpiler anywhere. The suite's build (OTKLIK_BUILD_DIR, scripts/test.sh) when there is one;
// otherwise a build of its own (under a second), inside the repository so packages resolve.
let buildDir = process.env.OTKLIK_BUILD_DIR ?? '';
beforeAll(async () => {
  if (!buildDir || !existsSync(join(buildDir, 'services/runtime/main.js'))) {
    buildDir = join(REPO_ROOT, '.otklik', 'built-worker-test');
    await buildInto(buildDir);
  }
});

// No NODE_OPTIONS (vitest's loaders) or tsx hooks reach the child: plain node.
function plainEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

describe('the built worker (node dist/...)', () => {
  it('answers --version with the package version without connecting anywhere', () => {
    const result = spawnSync(process.execPath, [join(buildDir, 'services/runtime/main.js'), '--version'], {
      env: plainEnv({}),
      encoding: 'utf8',
      timeout: 10_000,
    });
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(result.stdout.trim()).toBe(pkg.version);
    expect(result.status).toBe(0);
  });

  it('classifies a comment on the real stack, reports its version on /metrics and in its logs', async () => {
    const stack = isolatedStack('built');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', join(buildDir, 'services/runtime/main.js'), 'worker'],
      {
        env: plainEnv({ ...stack.env, HTTP_PORT: String(port), LOG_LEVEL: 'info' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const metricsText = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const until = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const value = await probe().catch(() => undefined);
        if (value !== undefined) return value;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker: ${logs.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
      const producer = createPlainProducer(stack.kafka);
      await producer.connect();
      const event = commentEvent({ text: 'Во дворе не вывозят мусор уже неделю, когда уберут?' });
      await producer.send({
        topic: stack.env.OTKLIK_TOPIC_COMMENTS as string,
        messages: [{ key: `VK:${event.comment_id}`, value: encodeCommentEvent(event) }],
      });
      await producer.disconnect();
      const body = await until(async () => {
        const text = await metricsText();
        return /otklik_messages_classified_total\{[^}]*\} 1\b/.test(text) ? text : undefined;
      });
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(body).toContain(`otklik_build_info{version="${pkg.version}"`);
      expect(logs).toContain(`"version":"${pkg.version}"`);
      // A stack trace through the source maps names .ts files; the tree itself holds none.
      expect(existsSync(join(buildDir, 'services/runtime/main.ts'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
  });
});
