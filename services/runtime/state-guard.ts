import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Cluster, Redis } from 'ioredis';
import { decideGeneration, lostShards } from '../core/state/generation.js';
import { groupHasCommitted } from '../adapters/kafka/committed-offsets.js';
import { readGenerations, readShardStates, writeGeneration } from '../adapters/redis/state-generation.js';

/** The SLA state in Redis is not the one the roles left: running on would take a loss for a quiet day. */
export class StateLostError extends Error {
  override readonly name = 'StateLostError';
}

export interface StateGuardTarget {
  redis: Redis | Cluster;
  kafka: Kafka;
  prefix: string;
  shards: number;
  groupId: string;
  commentsTopic: string;
  logger: Logger;
}

/** Processes starting together may see a generation half written by another: look again once. */
const SETTLE_MS = 1_000;

const recovery =
  'if the loss is understood, `npm run otklik -- state accept-loss` writes a new generation ' +
  '(the deadlines of comments consumed before the loss are gone); docs/faults.md "State lost"';

/**
 * The start check of every role: returns the state generation to watch, writing one on a new keyspace,
 * and throws StateLostError when the keyspace lost its data since the roles last ran.
 */
export async function checkStateGeneration(target: StateGuardTarget): Promise<string> {
  const { redis, prefix, shards, logger } = target;
  const committed = await groupHasCommitted(target.kafka, target.groupId, target.commentsTopic);
  let decision = decideGeneration(await readShardStates(redis, prefix, shards), committed);
  if (decision.kind === 'lost') {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    decision = decideGeneration(await readShardStates(redis, prefix, shards), committed);
  }
  switch (decision.kind) {
    case 'intact':
      return decision.generation;
    case 'initialise':
    case 'adopt': {
      const generation = await writeGeneration(redis, prefix, shards);
      logger.info(
        { generation, keyspace: decision.kind === 'adopt' ? 'existing' : 'new' },
        'state generation written',
      );
      return generation;
    }
    case 'lost':
      throw new StateLostError(
        `refusing to start: the SLA state under prefix ${prefix} was lost (${decision.reason}; shards ` +
          `${decision.shards.join(', ')}; consumer group ${target.groupId}); ${recovery}`,
      );
  }
}

/**
 * The check while the roles run: every `intervalMs` every shard must still carry the generation read at
 * start; otherwise `onLost` is called once. A Redis that does not answer is an outage, handled by the
 * roles' retries, not a loss: that check is skipped.
 */
export function watchStateGeneration(
  target: Pick<StateGuardTarget, 'redis' | 'prefix' | 'shards' | 'logger'>,
  generation: string,
  options: { intervalMs: number; onLost: (error: StateLostError) => void },
): { stop(): void } {
  let stopped = false;
  let checking = false;
  const check = async () => {
    if (stopped || checking) return;
    checking = true;
    try {
      const lost = lostShards(generation, await readGenerations(target.redis, target.prefix, target.shards));
      if (lost.length > 0 && !stopped) {
        stopped = true;
        clearInterval(timer);
        options.onLost(
          new StateLostError(
            `the SLA state under prefix ${target.prefix} was lost while running (shards ` +
              `${lost.join(', ')} no longer carry generation ${generation}); the roles stopped; ${recovery}`,
          ),
        );
      }
    } catch (error) {
      target.logger.debug({ err: (error as Error).message }, 'state generation check skipped');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
