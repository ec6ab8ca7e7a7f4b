import type { Cluster, Redis } from 'ioredis';
import { LAYOUT_VERSION, SlaKeys } from './keys.js';

/**
 * Redis settings the SLA layout relies on, checked at start beside the eviction policy
 * (eviction-policy.ts). Layout v2 keeps each open record whole in one field of a bucket hash; a bucket
 * stays a compact listpack only while every value fits `hash-max-listpack-value`, whose default (64) is
 * below a typical record (~120 bytes with a 60-character excerpt). Below it every bucket becomes a hash
 * table: still correct, about a third more memory per open item. So a role refuses such a Redis unless
 * OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK accepts the memory (a managed Redis may refuse the setting).
 */
export const REQUIRED_LISTPACK_VALUE = 256;

export class RedisSettingsError extends Error {
  override readonly name = 'RedisSettingsError';
}

/** What one master said of its hash-max-listpack-value, or why it could not be read. */
export type NodeListpack = { node: string; value: number } | { node: string; unreadable: string };

/** The decision: null when every master holds records compactly, else the reason to refuse. */
export function listpackProblem(nodes: readonly NodeListpack[]): string | null {
  const problems = nodes.flatMap((n) => {
    if ('unreadable' in n) {
      return [
        `cannot read hash-max-listpack-value of Redis ${n.node} (${n.unreadable}); allow CONFIG GET, or ` +
          `set hash-max-listpack-value ${REQUIRED_LISTPACK_VALUE} there and start with ` +
          `OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK=1`,
      ];
    }
    if (n.value < REQUIRED_LISTPACK_VALUE) {
      return [
        `Redis ${n.node} has hash-max-listpack-value ${n.value}: the SLA layout keeps each open record ` +
          `in one hash field and needs ${REQUIRED_LISTPACK_VALUE} to store buckets compactly (below it ` +
          `they take about a third more memory); set hash-max-listpack-value ${REQUIRED_LISTPACK_VALUE} ` +
          `(redis.conf, or CONFIG SET hash-max-listpack-value ${REQUIRED_LISTPACK_VALUE}), or accept the ` +
          `memory with OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK=1`,
      ];
    }
    return [];
  });
  return problems.length === 0 ? null : problems.join('; ');
}

const isReplyError = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'ReplyError';

async function readNodeListpack(node: Redis): Promise<NodeListpack> {
  const name = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
  try {
    const reply = (await node.config('GET', 'hash-max-listpack-value')) as unknown;
    const value = Array.isArray(reply) ? Number(reply[1]) : NaN;
    if (Number.isFinite(value)) return { node: name, value };
    return { node: name, unreadable: 'CONFIG GET hash-max-listpack-value answered nothing' };
  } catch (error) {
    if (!isReplyError(error)) throw error;
    return { node: name, unreadable: `CONFIG GET: ${error.message}` };
  }
}

/** Every master's hash-max-listpack-value. */
export async function readListpackValues(redis: Redis | Cluster): Promise<NodeListpack[]> {
  await redis.ping();
  const nodes = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  return Promise.all(nodes.map(readNodeListpack));
}

/** Throws RedisSettingsError unless every master has hash-max-listpack-value ≥ 256 (or it is accepted). */
export async function assertListpackSettings(
  redis: Redis | Cluster,
  options: { acceptSmallListpack?: boolean } = {},
): Promise<void> {
  if (options.acceptSmallListpack) return;
  const problem = listpackProblem(await readListpackValues(redis));
  if (problem) throw new RedisSettingsError(`refusing to start: ${problem}`);
}

export class LayoutVersionError extends Error {
  override readonly name = 'LayoutVersionError';
}

/**
 * A shard without a version key that holds any of these was written by the previous layout (v1): every
 * open v1 record is in its due wheel, late wheel or lease set, and every v2 shard has its version key.
 */
const v1Keys = (keys: SlaKeys, shard: number) =>
  ['due', 'late', 'lease', 'cnt', 'daily'].map((name) => `${keys.tag(shard)}:${name}`);

/**
 * What each shard's keyspace is: LAYOUT_VERSION, 'v1' (keys of the previous layout and no version key),
 * 'migrating' (a migration was started and not finished) or 'empty' (nothing of either).
 */
export async function readLayoutVersions(
  redis: Redis | Cluster,
  prefix: string,
  shards: number,
): Promise<('3' | '2' | 'v1' | 'migrating' | 'empty' | string)[]> {
  const keys = new SlaKeys(prefix);
  return Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const version = await redis.get(keys.layoutVersion(shard));
      if (version === 'm') return 'migrating';
      if (version) return version;
      return (await redis.exists(...v1Keys(keys, shard))) > 0 ? 'v1' : 'empty';
    }),
  );
}

/**
 * Refuses to run layout-v2 scripts on a keyspace of the previous layout (or one whose migration did not
 * finish): they would not see its open records and its deadlines would never fire. An empty shard is
 * stamped with the current version unless `stampEmpty` is false (the start checks stamp only after the
 * state generation check, which needs to see which shards held the layout). The error names the command
 * that converts the keyspace.
 */
export async function assertLayoutVersion(
  redis: Redis | Cluster,
  prefix: string,
  shards: number,
  options: { stampEmpty?: boolean } = {},
) {
  const keys = new SlaKeys(prefix);
  const versions = await readLayoutVersions(redis, prefix, shards);
  const behind = versions.flatMap((v, shard) =>
    v === LAYOUT_VERSION || v === 'empty' ? [] : [{ shard, v }],
  );
  if (behind.length > 0) {
    const what = behind.some((b) => b.v === 'migrating')
      ? 'an unfinished layout migration'
      : `layout ${[...new Set(behind.map((b) => (b.v === 'v1' ? 'v1' : `v${b.v}`)))].join(' and ')}`;
    throw new LayoutVersionError(
      `refusing to start: the SLA keys under prefix ${prefix} are in ${what} (shards ` +
        `${behind.map((b) => b.shard).join(', ')}); stop every worker and sweeper and run ` +
        `\`npm run otklik -- migrate-layout\` (same REDIS_URL, OTKLIK_KEY_PREFIX and OTKLIK_SHARDS), ` +
        `then start again (docs/sla-engine.md, "Upgrading the layout")`,
    );
  }
  if (options.stampEmpty === false) return;
  await Promise.all(
    versions.map((v, shard) =>
      v === 'empty' ? redis.set(keys.layoutVersion(shard), LAYOUT_VERSION, 'NX') : undefined,
    ),
  );
}
