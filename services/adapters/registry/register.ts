/**
 * Registration at start: every version of Otklik's three schemas, oldest first, under the subjects the
 * naming strategy gives, after setting each subject's compatibility. Registering a schema the subject
 * already holds returns its id, so a restart (or a second worker) changes nothing.
 */
import {
  SUBJECTS,
  RegistrySchemas,
  type RegisteredVersion,
  type SchemaCatalogue,
} from '../../core/contracts/index.js';
import type { RegistryClient } from './client.js';
import { registryReason, unavailable, httpStatusOf } from './errors.js';

export type SubjectStrategy = 'topic' | 'record';
export type Compatibility =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export interface SubjectTopics {
  comments: string;
  classified: string;
  alerts: string;
  actions: string;
  incidents: string;
}

export interface RegistrationOptions {
  /** TopicNameStrategy (`<topic>-value`, the default) or RecordNameStrategy (the record's full name). */
  strategy: SubjectStrategy;
  topics: SubjectTopics;
  compatibility: Compatibility;
}

/** The registry subject of one of our record subjects. */
export function registrySubjectOf(
  recordName: string,
  options: Omit<RegistrationOptions, 'compatibility'>,
): string {
  if (options.strategy === 'record') return recordName;
  const topic =
    recordName === SUBJECTS.commentEvent
      ? options.topics.comments
      : recordName === SUBJECTS.classifiedComment
        ? options.topics.classified
        : recordName === SUBJECTS.slaAlert
          ? options.topics.alerts
          : recordName === SUBJECTS.operatorAction
            ? options.topics.actions
            : recordName === SUBJECTS.incidentEvent
              ? options.topics.incidents
              : undefined;
  if (topic === undefined) throw new Error(`no topic carries ${recordName}`);
  return `${topic}-value`;
}

/** A registry refusal that no retry mends (an incompatible schema, say): Otklik must not start. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
}

export async function registerCatalogue(
  client: RegistryClient,
  catalogue: SchemaCatalogue,
  options: RegistrationOptions,
): Promise<RegistrySchemas> {
  const registered: RegisteredVersion[] = [];
  const timeout = client.timeoutMs;
  for (const recordName of catalogue.subjects()) {
    const subject = registrySubjectOf(recordName, options);
    await call(`setting ${subject}'s compatibility`, () =>
      client.api.Subject.updateConfig({ subject, body: { compatibility: options.compatibility }, timeout }),
    );
    for (const entry of catalogue.versions(recordName)) {
      const reply = await call(`registering ${recordName} v${entry.version} under ${subject}`, () =>
        client.api.Subject.register({ subject, body: { schema: JSON.stringify(entry.schema) }, timeout }),
      );
      const id = (reply.data() as { id?: unknown }).id;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) {
        throw new RegistrationError(
          `the registry answered ${JSON.stringify(reply.data())} for ${subject}: no id`,
        );
      }
      registered.push({ entry, registryId: id });
    }
  }
  return new RegistrySchemas(registered);
}

/** A 4xx other than 408/429 is a refusal (incompatible, invalid); anything else is the registry being down. */
async function call<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const status = httpStatusOf(error);
    const refused =
      status !== undefined && status >= 400 && status < 500 && ![400, 401, 403, 408, 429].includes(status);
    if (refused) throw new RegistrationError(`Schema Registry refused ${what}: ${registryReason(error)}`);
    throw unavailable(what, error);
  }
}
