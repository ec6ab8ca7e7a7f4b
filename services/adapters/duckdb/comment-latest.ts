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
function mergedRowsOf(source: string, order: boolean): string {
  const citizen = `author_kind NOT IN ('OFFICIAL', 'BOT')`;
  const reply = `op = 'POSTED' AND author_kind = 'OFFICIAL' AND parent_key IS NOT NULL`;
  const version = `${citizen} AND op <> 'DELETED'`;
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

const NEWER = `excluded.version_at_ms IS NOT NULL AND (comment_latest.version_at_ms IS NULL
  OR excluded.version_at_ms > comment_latest.version_at_ms
  OR (excluded.version_at_ms = comment_latest.version_at_ms
    AND excluded.version_event_id > comment_latest.version_event_id))`;
const EARLIER_REPLY = `excluded.reply_at_ms < coalesce(comment_latest.reply_at_ms, 9223372036854775807)`;

/** Merges the events of `source` (the group being written) into `comment_latest`. */
export function upsertLatestFrom(source: string): string {
  const version = VERSION_COLUMNS.map(
    (c) => `${c} = CASE WHEN ${NEWER} THEN excluded.${c} ELSE comment_latest.${c} END`,
  );
  // Not sorted: a group is minutes of the stream, already about in posted-time order.
  return `INSERT INTO comment_latest ${mergedRowsOf(source, false)}
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
