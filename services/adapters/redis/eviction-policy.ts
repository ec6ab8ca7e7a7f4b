import type { Cluster, Redis } from 'ioredis';

/**
 * The SLA state (open records, due and late wheels, leases, finished markers, counters) lives only in
 * Redis. Under any `maxmemory-policy` but `noeviction`, a Redis at its memory limit deletes keys to make
 * room: an evicted record is a deadline silently lost, an evicted marker a comment counted twice. So a
 * role that writes SLA state refuses to start unless every node keeps its keys (BullMQ checks the same).
 */
export const REQUIRED_POLICY = 'noeviction';

export class EvictionPolicyError extends Error {
  override readonly name = 'EvictionPolicyError';
}

/** What one node said about its policy: the policy, or why it could not be read. */
export type NodePolicy = { node: string; policy: string } | { node: string; unreadable: string };

/** `maxmemory_policy` from the text of `INFO memory`, or undefined when it is not there. */
export function maxmemoryPolicyOf(info: string): string | undefined {
  return /^maxmemory_policy:(\S+)\s*$/m.exec(info)?.[1];
}

/** The decision: null when every node keeps its keys, else the reason to refuse, for the operator. */
export function evictionProblem(nodes: readonly NodePolicy[]): string | null {
  if (nodes.length === 0) return 'Redis reported no nodes to check maxmemory-policy on';
  const problems = nodes.flatMap((n) => {
    if ('unreadable' in n) {
      return [
        `cannot read maxmemory-policy of Redis ${n.node} (${n.unreadable}); allow the user INFO ` +
          `(ACL: +info) so that it can be checked`,
      ];
    }
    if (n.policy !== REQUIRED_POLICY) {
      return [
        `Redis ${n.node} has maxmemory-policy ${n.policy}: at its memory limit it would evict SLA ` +
          `state (open deadlines, finished markers) and lose or double-count alerts; set ` +
          `maxmemory-policy ${REQUIRED_POLICY} (redis.conf, or CONFIG SET maxmemory-policy ${REQUIRED_POLICY})`,
      ];
    }
    return [];
  });
  return problems.length === 0 ? null : problems.join('; ');
}

const isReplyError = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'ReplyError';

/**
 * One node's policy: from `INFO memory`, which an ACL user may be allowed where CONFIG is not (managed
 * Redis services often disable CONFIG), else from `CONFIG GET`. Connection errors are thrown.
 */
async function readNodePolicy(node: Redis): Promise<NodePolicy> {
  const name = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
  const failures: string[] = [];
  try {
    const policy = maxmemoryPolicyOf(await node.info('memory'));
    if (policy) return { node: name, policy };
    failures.push('INFO memory has no maxmemory_policy');
  } catch (error) {
    if (!isReplyError(error)) throw error;
    failures.push(`INFO: ${error.message}`);
  }
  try {
    const reply = (await node.config('GET', 'maxmemory-policy')) as unknown;
    const policy = Array.isArray(reply) ? reply[1] : undefined;
    if (typeof policy === 'string' && policy) return { node: name, policy };
    failures.push('CONFIG GET maxmemory-policy answered nothing');
  } catch (error) {
    if (!isReplyError(error)) throw error;
    failures.push(`CONFIG GET: ${error.message}`);
  }
  return { node: name, unreadable: failures.join('; ') };
}

/** Every master's policy (a replica is promoted with its own configuration, so masters are what count). */
export async function readEvictionPolicies(redis: Redis | Cluster): Promise<NodePolicy[]> {
  await redis.ping(); // a cluster client knows its nodes once it has connected
  const nodes = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  return Promise.all(nodes.map(readNodePolicy));
}

/**
 * Throws EvictionPolicyError unless every master of `redis` has maxmemory-policy noeviction. While Redis
 * does not answer, tries again for up to `waitMs` (a role may start before its Redis).
 */
export async function assertNoEviction(
  redis: Redis | Cluster,
  options: { waitMs?: number; onWait?: (error: Error) => void } = {},
): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    let nodes: NodePolicy[];
    try {
      nodes = await readEvictionPolicies(redis);
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      options.onWait?.(error as Error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      continue;
    }
    const problem = evictionProblem(nodes);
    if (problem) throw new EvictionPolicyError(`refusing to start: ${problem}`);
    return;
  }
}
