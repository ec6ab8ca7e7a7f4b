/**
 * `comment_latest`: one row per comment key, the newest version of a citizen's comment with its posted
 * time, whether it was deleted and its first official reply. The sink upserts it from each written
 * group's events, in the same transaction as the events and their offsets; the measures read it instead
 * of de-duplicating every event on every query (docs/analytics.md, "The newest-version table").
 *
 * Every column is a merge that does not depend on the order events arrive in, and that gives the same
 * row when an event is merged twice: the version is the newest by (classified_at_ms, event_id), the
 * posted time the earliest POSTED event, deleted is sticky, the reply is the earliest official reply. A
 * reply read before its comment (another partition) makes a row with only the reply; the comment's
 * columns arrive with it (`comments` shows a row once its POSTED event and a version are in).
 */

/** The newest version's columns: replaced together when a newer version arrives. */
const VERSION_COLUMNS = [
  'version_at_ms',
  'version_event_id',
  'platform',
  'region',
  'municipality',
  'page_id',
  'thread_id',
  'category',
  'type',
  'priority',
  'toxic',
  'spam',
  'actionable',
  'theme',
  'url',
  'sla_due_at_ms',
] as const;

export const COMMENT_LATEST_TABLE = `
CREATE TABLE IF NOT EXISTS comment_latest (
  comment_key VARCHAR PRIMARY KEY,
  version_at_ms BIGINT, version_event_id VARCHAR,
  platform VARCHAR, region VARCHAR, municipality VARCHAR, page_id VARCHAR, thread_id VARCHAR,
  category VARCHAR, type VARCHAR, priority VARCHAR, toxic BOOLEAN, spam BOOLEAN, actionable BOOLEAN,
  theme VARCHAR, url VARCHAR, sla_due_at_ms BIGINT,
  posted_at_ms BIGINT, deleted BOOLEAN NOT NULL, reply_at_ms BIGINT, reply_page_id VARCHAR
)`;

/**
 * The rows of `source` (a table of events) merged per comment key (sorted by posted time if asked): one hash
 * aggregate, each column from the events that say something about it (a citizen's version, its POSTED
 * event, a deletion, an official's reply, which counts for the comment it answers).
 */
const CITIZEN = `author_kind NOT IN ('OFFICIAL', 'BOT')`;
const REPLY = `op = 'POSTED' AND author_kind = 'OFFICIAL' AND parent_key IS NOT NULL`;
const VERSION = `${CITIZEN} AND op <> 'DELETED'`;

/**
 * The key an event is merged into: a reply's counts for the comment it answers. The same rule as the
 * SQL's (`CASE WHEN reply THEN parent_key ELSE comment_key END`), for the writer to tell whether a group
 * has one event a key (`upsertLatestFrom(source, { oneEventAKey: true })`).
 */
export function latestKeyOf(e: {
  op: string;
  author_kind: string;
  parent_key: string | null;
  comment_key: string;
}): string {
  return e.op === 'POSTED' && e.author_kind === 'OFFICIAL' && e.parent_key !== null
    ? e.parent_key
    : e.comment_key;
}

function mergedRowsOf(source: string, order: boolean): string {
  const citizen = CITIZEN;
  const reply = REPLY;
  const version = VERSION;
  const newest = `{'at': classified_at_ms, 'id': event_id}`;
  const columns = VERSION_COLUMNS.slice(2)
    .map((c) => `'${c}': ${c}`)
    .join(', ');
  return `
SELECT comment_key, v.at AS version_at_ms, v.id AS version_event_id,
  ${VERSION_COLUMNS.slice(2)
    .map((c) => `v.${c}`)
    .join(', ')},
  posted_at_ms, deleted, reply_at_ms, reply_page_id
FROM (
  SELECT CASE WHEN ${reply} THEN parent_key ELSE comment_key END AS comment_key,
    arg_max({'at': classified_at_ms, 'id': event_id, ${columns}}, ${newest}) FILTER (WHERE ${version}) AS v,
    min(posted_at_ms) FILTER (WHERE op = 'POSTED' AND ${citizen}) AS posted_at_ms,
    bool_or(op = 'DELETED') AS deleted,
    min(posted_at_ms) FILTER (WHERE ${reply}) AS reply_at_ms,
    arg_min(page_id, posted_at_ms) FILTER (WHERE ${reply}) AS reply_page_id
  FROM ${source}
  WHERE ${citizen} OR op = 'DELETED' OR (${reply})
  GROUP BY ALL
)${order ? '\nORDER BY posted_at_ms NULLS LAST, comment_key' : ''}`;
}

/**
 * The same rows as `mergedRowsOf` when no two events of `source` merge into one key: each event's row
 * on its own, without the hash aggregate (about a fifth of a write's CPU; the sink's groups are almost
 * always of this kind, a comment's edits and replies coming minutes apart). Column for column what the
 * aggregate gives for a key with one event: a version's columns only from a version, the posted time
 * only from a citizen's POSTED event, the reply's only from a reply.
 */
function eventRowsOf(source: string): string {
  const when = (condition: string, column: string, as = column) =>
    `CASE WHEN ${condition} THEN ${column} END AS ${as}`;
  return `
SELECT CASE WHEN ${REPLY} THEN parent_key ELSE comment_key END AS comment_key,
  ${when(VERSION, 'classified_at_ms', 'version_at_ms')}, ${when(VERSION, 'event_id', 'version_event_id')},
  ${VERSION_COLUMNS.slice(2)
    .map((c) => when(VERSION, c))
    .join(', ')},
  ${when(`op = 'POSTED' AND ${CITIZEN}`, 'posted_at_ms')},
  op = 'DELETED' AS deleted,
  ${when(REPLY, 'posted_at_ms', 'reply_at_ms')}, ${when(REPLY, 'page_id', 'reply_page_id')}
FROM ${source}
WHERE ${CITIZEN} OR op = 'DELETED' OR (${REPLY})`;
}

const NEWER = `excluded.version_at_ms IS NOT NULL AND (comment_latest.version_at_ms IS NULL
  OR excluded.version_at_ms > comment_latest.version_at_ms
  OR (excluded.version_at_ms = comment_latest.version_at_ms
    AND excluded.version_event_id > comment_latest.version_event_id))`;
const EARLIER_REPLY = `excluded.reply_at_ms < coalesce(comment_latest.reply_at_ms, 9223372036854775807)`;

/**
 * Merges the events of `source` (the group being written) into `comment_latest`. `oneEventAKey`: the
 * caller checked that no two events of `source` have the same `latestKeyOf` (one statement cannot update
 * a row twice: DuckDB would refuse the statement, never write a wrong row).
 */
export function upsertLatestFrom(source: string, { oneEventAKey = false } = {}): string {
  const version = VERSION_COLUMNS.map(
    (c) => `${c} = CASE WHEN ${NEWER} THEN excluded.${c} ELSE comment_latest.${c} END`,
  );
  // Not sorted: a group is minutes of the stream, already about in posted-time order.
  const rows = oneEventAKey ? eventRowsOf(source) : mergedRowsOf(source, false);
  return `INSERT INTO comment_latest ${rows}
ON CONFLICT (comment_key) DO UPDATE SET
  ${version.join(',\n  ')},
  posted_at_ms = least(comment_latest.posted_at_ms, excluded.posted_at_ms),
  deleted = comment_latest.deleted OR excluded.deleted,
  reply_page_id = CASE WHEN ${EARLIER_REPLY} THEN excluded.reply_page_id ELSE comment_latest.reply_page_id END,
  reply_at_ms = CASE WHEN ${EARLIER_REPLY} THEN excluded.reply_at_ms ELSE comment_latest.reply_at_ms END`;
}

/**
 * Fills an empty `comment_latest` from every event stored: the migration of a file made before the
 * table existed, and the benchmark's generated file. Rows go in posted-time order, so each row group
 * covers a short span of time and DuckDB's zone maps skip the months a query does not ask for.
 */
export function rebuildLatest(): string {
  return `INSERT INTO comment_latest ${mergedRowsOf('events', true)}`;
}
