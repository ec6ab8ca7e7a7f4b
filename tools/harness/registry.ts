/**
 * Registers Otklik's schemas the way a worker does at start (TopicNameStrategy, BACKWARD: the worker's
 * defaults), so a tool knows beforehand which ids the worker will write and read for a set of topics.
 * Registering what a subject already holds returns the same ids, so the worker's own registration later
 * changes nothing.
 */
import { createRegistryClient } from '../../services/adapters/registry/client.js';
import { registerCatalogue, type SubjectTopics } from '../../services/adapters/registry/register.js';
import { SUBJECTS, getDefaultCatalogue, type RegistrySchemas } from '../../services/core/contracts/index.js';

export interface Registered {
  schemas: RegistrySchemas;
  /** Catalogue id -> registry id, for every CommentEvent version. */
  commentEventIds: Map<number, number>;
}

export async function registerLikeTheWorker(url: string, topics: SubjectTopics): Promise<Registered> {
  const catalogue = getDefaultCatalogue();
  const schemas = await registerCatalogue(createRegistryClient({ url }), catalogue, {
    strategy: 'topic',
    compatibility: 'BACKWARD',
    topics,
  });
  const commentEventIds = new Map<number, number>();
  for (const entry of catalogue.versions(SUBJECTS.commentEvent)) {
    const registered = schemas.version(SUBJECTS.commentEvent, entry.version);
    if (!registered) throw new Error(`CommentEvent v${entry.version} was not registered`);
    commentEventIds.set(entry.id, registered.id);
  }
  return { schemas, commentEventIds };
}
