import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { envOf } from '../../../../services/apps/cli/context.js';
import { maskUrlCredentials, urlHasPassword } from '../../../../services/apps/cli/credentials.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import { runDlqCli } from '../../../../services/apps/cli/dlq/dlq.js';

/** No secret on a command line or in an error message. */
const SECRET = 'hunter2-S3cret';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env } };
}

function secretFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'otklik-secret-')), 'redis-password');
  writeFileSync(file, content);
  return file;
}

describe('--redis-url', () => {
  it('refuses a URL with a password, says to use REDIS_URL or --redis-password-file, and never shows it', async () => {
    for (const url of [
      `redis://:${SECRET}@127.0.0.1:1`,
      `rediss://default:${SECRET}@redis.example:6380/2`,
      `redis://u:${SECRET}@[bad`,
    ]) {
      const run = io();
      const code = await runCli(['--redis-url', url, 'stats'], run.io);
      expect(code).toBe(2);
      const err = run.err.join('\n');
      expect(err).toMatch(/--redis-url must not contain a password/);
      expect(err).toMatch(/REDIS_URL/);
      expect(err).toMatch(/--redis-password-file/);
      expect(err).not.toContain(SECRET);
    }
  });

  it('takes a URL with a user name only, and the password from a file', () => {
    const { io: plain } = io();
    expect(envOf(plain, { redisUrl: 'redis://reporter@127.0.0.1:6379/1' }).REDIS_URL).toBe(
      'redis://reporter@127.0.0.1:6379/1',
    );
    const password = `p@ss:w/rd ${SECRET}`;
    const file = secretFile(`${password}\n`);
    const { io: withFile } = io({ REDIS_URL: 'redis://reporter@10.0.0.5:6380' });
    const url = envOf(withFile, { redisPasswordFile: file }).REDIS_URL;
    const redis = new Redis(url, { lazyConnect: true });
    expect(redis.options).toMatchObject({
      username: 'reporter',
      password,
      host: '10.0.0.5',
      port: 6380,
    });
    redis.disconnect();
  });

  it('says what is wrong with the password file without showing anything of it', async () => {
    const run = io();
    expect(await runCli(['--redis-password-file', '/nonexistent/pw', 'stats'], run.io)).toBe(2);
    expect(run.err.join('\n')).toMatch(/--redis-password-file: cannot read \/nonexistent\/pw \(ENOENT\)/);
    const empty = io();
    expect(await runCli(['--redis-password-file', secretFile('\n'), 'stats'], empty.io)).toBe(2);
    expect(empty.err.join('\n')).toMatch(/is empty/);
  });
});

describe('error messages mask URL passwords', () => {
  it('masks every scheme://user:password@ in a text', () => {
    expect(maskUrlCredentials(`failed: redis://u:${SECRET}@h:1 and rediss://:${SECRET}@h2/0`)).toBe(
      'failed: redis://u:***@h:1 and rediss://:***@h2/0',
    );
    expect(maskUrlCredentials('redis://u@h:1, http://h/a:b@c')).toBe('redis://u@h:1, http://h/a:b@c');
    expect(urlHasPassword('redis://u@h:1')).toBe(false);
    expect(urlHasPassword(`redis://:${SECRET}@h`)).toBe(true);
  });

  it('otklik: a mistyped option echoing a URL', async () => {
    const run = io();
    expect(await runCli([`--redis-urll=redis://:${SECRET}@h:1`, 'stats'], run.io)).not.toBe(0);
    expect(run.err.join('\n')).toMatch(/unknown option/);
    expect(run.err.join('\n')).not.toContain(SECRET);
  });

  it('otklik and dlq: brokers given with credentials are refused without echo', async () => {
    const cli = io();
    expect(await runCli(['--brokers', `user:${SECRET}@h:9092`, 'tail', 'alerts'], cli.io)).toBe(2);
    expect(cli.err.join('\n')).toMatch(/KAFKA_BROKERS: each entry must be host:port/);
    expect(cli.err.join('\n')).not.toContain(SECRET);
    const dlq = io();
    expect(await runDlqCli(['--brokers', `user:${SECRET}@h:9092`, 'list'], dlq.io)).toBe(1);
    expect(dlq.err.join('\n')).toMatch(/KAFKA_BROKERS/);
    expect(dlq.err.join('\n')).not.toContain(SECRET);
    const dlqTypo = io();
    await runDlqCli(['list', `--scann=kafka://u:${SECRET}@h`], dlqTypo.io);
    expect(dlqTypo.err.join('\n')).not.toContain(SECRET);
  });
});
