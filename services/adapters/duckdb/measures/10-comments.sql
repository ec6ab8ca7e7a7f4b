-- The base views every measure reads. A comment is a citizen's (not an official's, not a bot's) POSTED
-- event; its classification is that of its latest version (an edit re-classifies it); a DELETED event
-- marks it deleted. Times are epoch milliseconds in the tables, TIMESTAMPs (UTC) here.
--
-- `comment_latest` (services/adapters/duckdb/comment-latest.ts) already holds one row per comment key,
-- merged by the sink as the events arrive: these views only read it, so a filter on region or posted
-- time reaches the table's scan and its zone maps (rows are stored in about posted-time order).
CREATE OR REPLACE VIEW comments AS
SELECT
  comment_key, platform, region, municipality, page_id, thread_id,
  category, type, priority, toxic, spam, actionable, theme, url,
  to_timestamp(posted_at_ms / 1000) AS posted_at, posted_at_ms,
  sla_due_at_ms, deleted, reply_at_ms, reply_page_id
FROM comment_latest
WHERE posted_at_ms IS NOT NULL AND version_at_ms IS NOT NULL;

-- The first official reply to each comment: the earliest POSTED event of an OFFICIAL author whose
-- parent is that comment.
CREATE OR REPLACE VIEW first_replies AS
SELECT comment_key, reply_at_ms, reply_page_id
FROM comment_latest
WHERE reply_at_ms IS NOT NULL;
