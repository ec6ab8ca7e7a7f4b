/**
 * Registry mode, wired from the environment: with SCHEMA_REGISTRY_URL set, Otklik registers its schemas
 * at start (retried while the registry does not answer, refused for good when it rejects them), and the
 * roles get codecs over the registry's ids and a fetcher for the ids producers registered themselves.
 * Without it, undefined: the carried catalogue serves the codecs.
 */
import type { Logger } from 'pino';
import type { EnvConfig } from './config/env.js';
import { createContractCodecs, getDefaultCatalogue, type ContractCodecs } from '../core/contracts/index.js';
import { createRegistryClient, type RegistryConnection } from '../adapters/registry/client.js';
import { registerCatalogue } from '../adapters/registry/register.js';
import { SchemaFetcher } from '../adapters/registry/schema-fetcher.js';
import { retryWhileRetriable } from './retry.js';

export interface RegistryMode {
  codecs: ContractCodecs;
  fetcher: SchemaFetcher;
}

/** How long start-up waits for a registry that does not answer before giving up. */
export const REGISTRATION_GIVE_UP_MS = 120_000;

export function registryConnectionOf(env: EnvConfig): RegistryConnection | undefined {
  if (!env.SCHEMA_REGISTRY_URL) return undefined;
  const basic = env.SCHEMA_REGISTRY_BASIC_AUTH;
  const colon = basic?.indexOf(':') ?? -1;
  return {
    url: env.SCHEMA_REGISTRY_URL,
    ...(basic
      ? {
          auth: { kind: 'basic' as const, username: basic.slice(0, colon), password: basic.slice(colon + 1) },
        }
      : env.SCHEMA_REGISTRY_BEARER_TOKEN
        ? { auth: { kind: 'bearer' as const, token: env.SCHEMA_REGISTRY_BEARER_TOKEN } }
        : {}),
    tls: {
      caFile: env.SCHEMA_REGISTRY_CA_FILE,
      certFile: env.SCHEMA_REGISTRY_CERT_FILE,
      keyFile: env.SCHEMA_REGISTRY_KEY_FILE,
      rejectUnauthorized: env.SCHEMA_REGISTRY_TLS_REJECT_UNAUTHORIZED,
    },
    timeoutMs: env.SCHEMA_REGISTRY_TIMEOUT_MS,
  };
}

export async function startRegistryMode(env: EnvConfig, logger: Logger): Promise<RegistryMode | undefined> {
  const connection = registryConnectionOf(env);
  if (!connection) return undefined;
  const client = createRegistryClient(connection);
  const log = logger.child({ component: 'schema-registry' });
  const schemas = await retryWhileRetriable(
    () =>
      registerCatalogue(client, getDefaultCatalogue(), {
        strategy: env.SCHEMA_REGISTRY_SUBJECT_STRATEGY,
        compatibility: env.SCHEMA_REGISTRY_COMPATIBILITY,
        topics: {
          comments: env.OTKLIK_TOPIC_COMMENTS,
          classified: env.OTKLIK_TOPIC_CLASSIFIED,
          alerts: env.OTKLIK_TOPIC_ALERTS,
          actions: env.OTKLIK_TOPIC_ACTIONS,
          incidents: env.OTKLIK_TOPIC_INCIDENTS,
        },
      }),
    {
      giveUpAfterMs: REGISTRATION_GIVE_UP_MS,
      onRetry: (error, attempt, delayMs) =>
        log.warn(
          { err: (error as Error).message, attempt, delayMs },
          'Schema Registry does not answer; waiting for it',
        ),
    },
  );
  const codecs = createContractCodecs(schemas);
  log.info(
    {
      registry: client.describe,
      strategy: env.SCHEMA_REGISTRY_SUBJECT_STRATEGY,
      compatibility: env.SCHEMA_REGISTRY_COMPATIBILITY,
      ids: {
        commentEvent: codecs.commentEvent.current.id,
        classifiedComment: codecs.classifiedComment.current.id,
        slaAlert: codecs.slaAlert.current.id,
      },
    },
    'schemas registered; writing the registry ids',
  );
  return { codecs, fetcher: new SchemaFetcher(client, schemas) };
}
