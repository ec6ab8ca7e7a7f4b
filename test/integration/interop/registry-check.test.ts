/**
 * `npm run schemas:check -- --registry` against the real registry: before Otklik registers anything it
 * says the registry would accept our schemas, after registration it names the ids the roles write, and a
 * subject holding an incompatible schema under BACKWARD makes the command fail (exit code 1). It writes
 * nothing: checking a fresh subject does not create it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../services/adapters/registry/client.js';
import { checkAgainstRegistry } from '../../../services/adapters/registry/check-registry.js';
import { getDefaultCatalogue, SUBJECTS } from '../../../services/core/contracts/index.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { startRegistryMode } from '../../../services/runtime/schema-registry.js';
import { isolatedStack } from '../../support/fixture.js';
import { registryUrl } from '../../support/registry.js';

const run = promisify(execFile);
const url = registryUrl();

function setUp() {
  const stack = isolatedStack('registry-check', { SCHEMA_REGISTRY_URL: url });
  const { env } = loadConfig(stack.env);
  const options = {
    strategy: env.SCHEMA_REGISTRY_SUBJECT_STRATEGY,
    topics: {
      comments: env.OTKLIK_TOPIC_COMMENTS,
      classified: env.OTKLIK_TOPIC_CLASSIFIED,
      alerts: env.OTKLIK_TOPIC_ALERTS,
      actions: env.OTKLIK_TOPIC_ACTIONS,
      incidents: env.OTKLIK_TOPIC_INCIDENTS,
    },
  };
  const client = createRegistryClient({ url });
  return {
    stack,
    env,
    options,
    client,
    check: () => checkAgainstRegistry(client, getDefaultCatalogue(), options),
  };
}

describe('schemas:check --registry', () => {
  it('says a fresh registry would accept our schemas, writes nothing, then names the registered ids', async () => {
    const { stack, env, check } = setUp();
    const before = await check();
    expect(before.map((c) => [c.subject, c.registeredId, c.compatible])).toEqual([
      [`${env.OTKLIK_TOPIC_COMMENTS}-value`, undefined, true],
      [`${env.OTKLIK_TOPIC_CLASSIFIED}-value`, undefined, true],
      [`${env.OTKLIK_TOPIC_ALERTS}-value`, undefined, true],
      [`${env.OTKLIK_TOPIC_INCIDENTS}-value`, undefined, true],
      [`${env.OTKLIK_TOPIC_ACTIONS}-value`, undefined, true],
    ]);
    const subjects = (await (await fetch(`${url}/subjects`)).json()) as string[];
    expect(subjects).not.toContain(`${env.OTKLIK_TOPIC_COMMENTS}-value`);

    const mode = await startRegistryMode(env, stack.logger);
    if (!mode) return expect.fail('registry mode did not start');
    const after = await check();
    expect(new Map(after.map((c) => [c.recordName, c.registeredId]))).toEqual(
      new Map([
        [SUBJECTS.commentEvent, mode.codecs.commentEvent.current.id],
        [SUBJECTS.classifiedComment, mode.codecs.classifiedComment.current.id],
        [SUBJECTS.slaAlert, mode.codecs.slaAlert.current.id],
        [SUBJECTS.incidentEvent, mode.codecs.incidentEvent.current.id],
        [SUBJECTS.operatorAction, mode.codecs.operatorAction.current.id],
      ]),
    );
  });

  it('fails (exit code 1) when a subject holds a schema ours cannot read under BACKWARD', async () => {
    const { stack, env } = setUp();
    const subject = `${env.OTKLIK_TOPIC_ALERTS}-value`;
    const put = (path: string, body: unknown, method = 'POST') =>
      fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify(body),
      }).then(async (r) => expect(r.ok, await r.text()).toBe(true));
    // Someone else's SlaAlert whose alert_id is an int: ours (a string) cannot read its data.
    await put(`/subjects/${subject}/versions`, {
      schema: JSON.stringify({
        type: 'record',
        name: 'SlaAlert',
        namespace: 'otklik',
        fields: [{ name: 'alert_id', type: 'int' }],
      }),
    });
    await put(`/config/${subject}`, { compatibility: 'BACKWARD' }, 'PUT');

    const failed = await run('node', ['--import', 'tsx', 'scripts/check-schema-compat.ts', '--registry'], {
      env: { ...process.env, ...stack.env },
    }).then(
      () => undefined,
      (e: { code?: number; stdout?: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(
      new RegExp(`otklik.SlaAlert -> ${subject.replace(/\./g, '\\.')} .*NOT ACCEPTED`),
    );
    expect(failed?.stdout).toMatch(
      /otklik.CommentEvent -> .*not registered yet; the registry would accept it/,
    );
  });
});
