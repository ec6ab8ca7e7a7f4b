/**
 * What the registry interop tests share: the registry's address (failing loudly when there is none, never
 * skipping), its native v3 API for Apicurio's Java serde, and the Java interop client (built once by
 * test/interop/registry-java/build.sh into a cache).
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

export function registryUrl(): string {
  const url = inject('schemaRegistryUrl');
  if (!url) {
    throw new Error(
      'no Schema Registry for the registry tests: run `npm run stack:up -- --registry` (or `npm test`, which starts one); .otklik/stack.env has no SCHEMA_REGISTRY_URL',
    );
  }
  return url;
}

/** Apicurio's own API (its serde speaks it) next to the Confluent-compatible one. */
export function nativeRegistryUrl(ccompatUrl: string): string {
  return ccompatUrl.replace(/\/apis\/ccompat\/v7\/?$/, '/apis/registry/v3');
}

let interopDir: string | undefined;

function javaInteropDir(): string {
  interopDir ??= execFileSync('bash', [join(ROOT, 'test/interop/registry-java/build.sh')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop() as string;
  return interopDir;
}

/** Runs the Java interop client (test/interop/registry-java) with the machine's default Java (17+). */
export async function runJavaInterop(args: string[], timeoutMs = 60_000): Promise<string[]> {
  const dir = javaInteropDir();
  const { stdout } = await run(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      `${join(dir, 'classes')}:${join(dir, 'lib', '*')}`,
      'dev.otklik.interop.RegistryInterop',
      ...args,
    ],
    { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout.split('\n').filter(Boolean);
}

/** GET on the registry's Confluent-compatible API. */
export async function registryGet(path: string): Promise<unknown> {
  const response = await fetch(`${registryUrl()}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
