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

/** The rows of `source` (a table of events) merged per comment key, in posted-time order. */
function mergedRowsOf(source: string): string {
  const citizen = `author_kind NOT IN ('OFFICIAL', 'BOT')`;
  return `
WITH v AS (
  SELECT comment_key, classified_at_ms AS version_at_ms, event_id AS version_event_id, platform, region,
    municipality, page_id, thread_id, category, type, priority, toxic, spam, actionable, theme, url,
    sla_due_at_ms
  FROM ${source} WHERE op <> 'DELETED' AND ${citizen}
  QUALIFY row_number() OVER (PARTITION BY comment_key ORDER BY classified_at_ms DESC, event_id DESC) = 1
),
p AS (
  SELECT comment_key, min(posted_at_ms) AS posted_at_ms FROM ${source}
  WHERE op = 'POSTED' AND ${citizen} GROUP BY comment_key
),
d AS (SELECT DISTINCT comment_key FROM ${source} WHERE op = 'DELETED'),
r AS (
  SELECT parent_key AS comment_key, min(posted_at_ms) AS reply_at_ms,
    arg_min(page_id, posted_at_ms) AS reply_page_id
  FROM ${source} WHERE op = 'POSTED' AND author_kind = 'OFFICIAL' AND parent_key IS NOT NULL
  GROUP BY parent_key
),
k AS (
  SELECT comment_key FROM v UNION SELECT comment_key FROM p UNION SELECT comment_key FROM d
  UNION SELECT comment_key FROM r
)
SELECT k.comment_key, ${VERSION_COLUMNS.map((c) => `v.${c}`).join(', ')},
  p.posted_at_ms, d.comment_key IS NOT NULL AS deleted, r.reply_at_ms, r.reply_page_id
FROM k
LEFT JOIN v ON v.comment_key = k.comment_key
LEFT JOIN p ON p.comment_key = k.comment_key
LEFT JOIN d ON d.comment_key = k.comment_key
LEFT JOIN r ON r.comment_key = k.comment_key
ORDER BY p.posted_at_ms NULLS LAST, k.comment_key`;
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
  return `INSERT INTO comment_latest ${mergedRowsOf(source)}
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
  return `INSERT INTO comment_latest ${mergedRowsOf('events')}`;
}
