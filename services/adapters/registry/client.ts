/**
 * The Schema Registry client: @kafkajs/confluent-schema-registry (the Confluent REST API, which Apicurio
 * serves under /apis/ccompat/v7) with our authentication, TLS and timeout. Credentials go only into the
 * request headers; nothing here logs them.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

export type RegistryAuth =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface RegistryTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  rejectUnauthorized?: boolean;
}

export interface RegistryConnection {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7. */
  url: string;
  auth?: RegistryAuth;
  tls?: RegistryTls;
  /** One HTTP request's timeout. */
  timeoutMs?: number;
  /** The library's own quick retries of a 5xx answer, under the caller's longer retry. */
  retries?: number;
}

export const DEFAULT_REGISTRY_TIMEOUT_MS = 5_000;

/** The raw calls of the library's REST mapping that Otklik uses (the typed facade hides the JSON). */
export interface RegistryApi {
  Schema: { find(params: { id: number; timeout?: number }): Promise<{ data(): unknown }> };
  Subject: {
    config(params: { subject: string; timeout?: number }): Promise<{ data(): unknown }>;
    updateConfig(params: { subject: string; body: unknown; timeout?: number }): Promise<{ data(): unknown }>;
    register(params: { subject: string; body: unknown; timeout?: number }): Promise<{ data(): unknown }>;
    registered(params: { subject: string; body: unknown; timeout?: number }): Promise<{ data(): unknown }>;
    latestVersion(params: { subject: string; timeout?: number }): Promise<{ data(): unknown }>;
    version(params: {
      subject: string;
      version: number | string;
      timeout?: number;
    }): Promise<{ data(): unknown }>;
    compatible(params: {
      subject: string;
      version?: string;
      body: unknown;
      timeout?: number;
    }): Promise<{ data(): unknown }>;
  };
}

export interface RegistryClient {
  library: SchemaRegistry;
  api: RegistryApi;
  timeoutMs: number;
  /** The URL without credentials, for logs. */
  describe: string;
}

interface RequestLike {
  enhance(extras: { headers: Record<string, string> }): RequestLike;
}

export function createRegistryClient(connection: RegistryConnection): RegistryClient {
  const url = new URL(connection.url);
  // Credentials in the URL itself would end up in logs and error messages: refused.
  if (url.username || url.password) {
    throw new Error(
      'put Schema Registry credentials in SCHEMA_REGISTRY_BASIC_AUTH / _BEARER_TOKEN, not in the URL',
    );
  }
  const { auth, tls } = connection;
  const bearer =
    auth?.kind === 'bearer'
      ? () => ({
          prepareRequest: (next: () => Promise<RequestLike>) =>
            next().then((request) => request.enhance({ headers: { authorization: `Bearer ${auth.token}` } })),
        })
      : undefined;
  const agent =
    url.protocol === 'https:'
      ? new HttpsAgent({
          keepAlive: true,
          ...(tls?.caFile ? { ca: readFileSync(tls.caFile) } : {}),
          ...(tls?.certFile ? { cert: readFileSync(tls.certFile) } : {}),
          ...(tls?.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
          rejectUnauthorized: tls?.rejectUnauthorized ?? true,
        })
      : undefined;
  const library = new SchemaRegistry({
    host: url.toString().replace(/\/$/, ''),
    clientId: 'otklik',
    retry: { retries: connection.retries ?? 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 },
    ...(auth?.kind === 'basic' ? { auth: { username: auth.username, password: auth.password } } : {}),
    ...(agent ? { agent } : {}),
    // mappersmith's middleware type is wider than this one function; the shape is what it calls.
    ...(bearer ? { middlewares: [bearer as never] } : {}),
  });
  return {
    library,
    api: (library as unknown as { api: RegistryApi }).api,
    timeoutMs: connection.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS,
    describe: `${url.origin}${url.pathname}`,
  };
}
