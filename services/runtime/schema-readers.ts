/**
 * The one schema source of every reader of Otklik's own topics (the ops board's alert feed, the analytics
 * sink, `otklik tail`, the demo's live view): with SCHEMA_REGISTRY_URL set, each writer schema is fetched
 * from the registry by the id the message carries (once, kept forever: an id never changes) and resolved
 * by Avro into the carried catalogue's version; without it, the carried catalogue serves both sides.
 *
 * A reader registers nothing (read-only registry credentials are enough) and asks the registry nothing
 * at start: the first message of an id it has not seen costs one request.
 */
import type { Logger } from 'pino';
import type { EnvConfig } from './config/env.js';
import {
  createContractCodecs,
  defaultCodecs,
  getDefaultCatalogue,
  RegistrySchemas,
  type ClassifiedComment,
  type CommentEvent,
  type OperatorAction,
  type SlaAlert,
} from '../core/contracts/index.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import { SchemaFetcher } from '../adapters/registry/schema-fetcher.js';
import type { FlushContext, InputMessage } from './consumer/processor.js';
import { registryConnectionOf } from './schema-registry.js';
import { retryWhileRetriable } from './retry.js';

/** What a reader decodes with. Decoders throw ContractError for a message that cannot be read. */
export interface ContractReaders {
  /** 'registry' when writer schemas come from the Schema Registry, else 'catalogue'. */
  readonly mode: 'catalogue' | 'registry';
  /**
   * Fetches the writer schemas of ids among `messages` not seen yet; undefined when none is missing
   * (the steady state, and always in catalogue mode). Rejects with RegistryUnavailableError while the
   * registry does not answer; an id the registry does not have is remembered, and its messages fail to
   * decode with UNKNOWN_SCHEMA_ID.
   */
  preload(messages: Iterable<{ value: Buffer | null | undefined }>): Promise<void> | undefined;
  commentEvent(message: Buffer): CommentEvent;
  classifiedComment(message: Buffer): ClassifiedComment;
  slaAlert(message: Buffer): SlaAlert;
  operatorAction(message: Buffer): OperatorAction;
}

/** The carried catalogue's readers (no SCHEMA_REGISTRY_URL). */
export const CATALOGUE_READERS: ContractReaders = {
  mode: 'catalogue',
  preload: () => undefined,
  commentEvent: (m) => defaultCodecs().commentEvent.decode(m),
  classifiedComment: (m) => defaultCodecs().classifiedComment.decode(m),
  slaAlert: (m) => defaultCodecs().slaAlert.decode(m),
  operatorAction: (m) => defaultCodecs().operatorAction.decode(m),
};

/** The readers the environment asks for: the registry's with SCHEMA_REGISTRY_URL, else the catalogue's. */
export function contractReadersOf(env: EnvConfig): ContractReaders {
  const connection = registryConnectionOf(env);
  if (!connection) return CATALOGUE_READERS;
  const schemas = RegistrySchemas.forReading(getDefaultCatalogue());
  const fetcher = new SchemaFetcher(createRegistryClient(connection), schemas);
  const codecs = createContractCodecs(schemas);
  return {
    mode: 'registry',
    preload: (messages) => fetcher.preload(messages),
    commentEvent: (m) => codecs.commentEvent.decode(m),
    classifiedComment: (m) => codecs.classifiedComment.decode(m),
    slaAlert: (m) => codecs.slaAlert.decode(m),
    operatorAction: (m) => codecs.operatorAction.decode(m),
  };
}

/**
 * `readers.preload` for a Processor (the consumer loop): retried through the loop's context while the
 * registry does not answer, so fetching pauses and the chunk waits, neither lost nor rejected.
 */
export function preloadThroughLoop(
  readers: Pick<ContractReaders, 'preload'>,
  chunk: readonly InputMessage[],
  context: FlushContext,
): Promise<void> | undefined {
  const first = readers.preload(chunk);
  if (!first) return undefined;
  let attempt: Promise<void> | undefined = first;
  return context.retry('registry', () => {
    const pending = attempt ?? readers.preload(chunk) ?? Promise.resolve();
    attempt = undefined;
    return pending;
  });
}

/**
 * `readers.preload` for a follower of a topic (one message at a time, as the board's feed and `otklik
 * tail` read): waits for a registry that does not answer, with backoff and a warning per attempt, until
 * it answers or `stopped()` says the follower is closing (then the error is thrown). Awaiting it inside
 * the message handler holds that partition back: nothing is skipped.
 */
export function preloadWaiting(
  readers: Pick<ContractReaders, 'preload'>,
  messages: Iterable<{ value: Buffer | null | undefined }>,
  options: { logger: Logger; stopped?: () => boolean },
): Promise<void> | undefined {
  const list = [...messages];
  const first = readers.preload(list);
  if (!first) return undefined;
  let attempt: Promise<void> | undefined = first;
  return retryWhileRetriable(
    () => {
      const pending = attempt ?? readers.preload(list) ?? Promise.resolve();
      attempt = undefined;
      return pending;
    },
    {
      shouldStop: options.stopped,
      onRetry: (error, n, delayMs) =>
        options.logger.warn(
          { err: (error as Error).message, attempt: n, delayMs },
          'Schema Registry does not answer; the topic waits for it',
        ),
    },
  );
}
