-- The base views every measure reads. A comment is a citizen's (not an official's, not a bot's) POSTED
-- event; its classification is that of its latest version (an edit re-classifies it); a DELETED event
-- marks it deleted. Times are epoch milliseconds in the tables, TIMESTAMPs (UTC) here.
CREATE OR REPLACE VIEW comments AS
WITH versions AS (
  SELECT *, row_number() OVER (PARTITION BY comment_key ORDER BY classified_at_ms DESC, event_id DESC) AS newest
  FROM events
  WHERE op <> 'DELETED' AND author_kind NOT IN ('OFFICIAL', 'BOT')
),
posted AS (
  SELECT comment_key, min(posted_at_ms) AS posted_at_ms
  FROM events WHERE op = 'POSTED' AND author_kind NOT IN ('OFFICIAL', 'BOT') GROUP BY comment_key
),
deleted AS (SELECT DISTINCT comment_key FROM events WHERE op = 'DELETED')
SELECT
  v.comment_key, v.platform, v.region, v.municipality, v.page_id, v.thread_id,
  v.category, v.type, v.priority, v.toxic, v.spam, v.actionable, v.theme, v.url,
  to_timestamp(p.posted_at_ms / 1000) AS posted_at, p.posted_at_ms,
  v.sla_due_at_ms,
  d.comment_key IS NOT NULL AS deleted
FROM versions v
JOIN posted p USING (comment_key)
LEFT JOIN deleted d USING (comment_key)
WHERE v.newest = 1;

-- The first official reply to each comment: the earliest POSTED event of an OFFICIAL author whose
-- parent is that comment.
CREATE OR REPLACE VIEW first_replies AS
SELECT
  parent_key AS comment_key,
  min(posted_at_ms) AS reply_at_ms,
  arg_min(page_id, posted_at_ms) AS reply_page_id
FROM events
WHERE op = 'POSTED' AND author_kind = 'OFFICIAL' AND parent_key IS NOT NULL
GROUP BY parent_key;
