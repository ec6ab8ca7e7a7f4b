/**
 * Fills a RegistrySchemas cache with the writer schemas of ids it has not seen: one request per id, the
 * same id asked for once however many partitions meet it at the same time, each answer kept forever.
 * "No such id" is recorded (the decoder dead-letters those messages as UNKNOWN_SCHEMA_ID); any other
 * failure throws RegistryUnavailableError, which the consumer loop retries with fetching paused.
 */
import type { RegistrySchemas } from '../../core/contracts/index.js';
import type { RegistryClient } from './client.js';
import { httpStatusOf, unavailable } from './errors.js';

export class SchemaFetcher {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly referenced = new Map<string, RegistrySchemaReply>();

  constructor(
    private readonly client: RegistryClient,
    readonly schemas: RegistrySchemas,
  ) {}

  /** Undefined when every id of `messages` is known: the steady state costs a scan of 5-byte headers, no promise. */
  preload(messages: Iterable<{ value: Buffer | null | undefined }>): Promise<void> | undefined {
    const unknown = this.schemas.unknownIds(messages);
    if (unknown.length === 0) return undefined;
    return Promise.all(unknown.map((id) => this.fetchOnce(id))).then(() => undefined);
  }

  private fetchOnce(id: number): Promise<void> {
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.fetch(id).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  private async fetch(id: number): Promise<void> {
    let data: unknown;
    try {
      data = (await this.client.api.Schema.find({ id, timeout: this.client.timeoutMs })).data();
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        this.schemas.learnMissing(id);
        return;
      }
      throw unavailable(`fetching schema id ${id}`, error);
    }
    const { schema, schemaType, references } = (data ?? {}) as RegistrySchemaReply;
    if (typeof schema !== 'string')
      throw unavailable(`fetching schema id ${id}`, new Error('no schema in its answer'));
    const definitions = new Map<string, string>();
    await this.collectReferences(references, definitions, `schema id ${id}`);
    this.schemas.learn(id, schema, typeof schemaType === 'string' ? schemaType : undefined, definitions);
  }

  /**
   * The schemas a schema references (and those they reference), by the referenced type's name. A
   * subject version never changes, so each is fetched once per process.
   */
  private async collectReferences(
    references: RegistrySchemaReply['references'],
    into: Map<string, string>,
    what: string,
  ): Promise<void> {
    for (const reference of references ?? []) {
      if (into.has(reference.name)) continue;
      const key = `${reference.subject}\u0000${reference.version}`;
      let reply = this.referenced.get(key);
      if (!reply) {
        try {
          const version = await this.client.api.Subject.version({
            subject: reference.subject,
            version: reference.version,
            timeout: this.client.timeoutMs,
          });
          reply = version.data() as RegistrySchemaReply;
        } catch (error) {
          throw unavailable(
            `fetching ${reference.subject} v${reference.version}, referenced by ${what}`,
            error,
          );
        }
        this.referenced.set(key, reply);
      }
      if (typeof reply.schema !== 'string') continue;
      into.set(reference.name, reply.schema);
      await this.collectReferences(reply.references, into, `${reference.subject} v${reference.version}`);
    }
  }
}

interface RegistrySchemaReply {
  schema?: unknown;
  schemaType?: unknown;
  references?: { name: string; subject: string; version: number }[];
}
