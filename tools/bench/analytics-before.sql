-- bench:analytics, "before": the base views as they were before `comment_latest` (commit 545d89b), in
-- their own schema so the same run times the same report queries both ways. Every query de-duplicated
-- all the events with a window and joined the first replies; the columns are the ones the views have
-- now, so the measure files read either.
CREATE OR REPLACE VIEW comments AS
WITH versions AS (
  SELECT *, row_number() OVER (PARTITION BY comment_key ORDER BY classified_at_ms DESC, event_id DESC) AS newest
  FROM main.events
  WHERE op <> 'DELETED' AND author_kind NOT IN ('OFFICIAL', 'BOT')
),
posted AS (
  SELECT comment_key, min(posted_at_ms) AS posted_at_ms
  FROM main.events WHERE op = 'POSTED' AND author_kind NOT IN ('OFFICIAL', 'BOT') GROUP BY comment_key
),
deleted AS (SELECT DISTINCT comment_key FROM main.events WHERE op = 'DELETED'),
replies AS (
  SELECT parent_key AS comment_key, min(posted_at_ms) AS reply_at_ms,
    arg_min(page_id, posted_at_ms) AS reply_page_id
  FROM main.events
  WHERE op = 'POSTED' AND author_kind = 'OFFICIAL' AND parent_key IS NOT NULL
  GROUP BY parent_key
)
SELECT
  v.comment_key, v.platform, v.region, v.municipality, v.page_id, v.thread_id,
  v.category, v.type, v.priority, v.toxic, v.spam, v.actionable, v.theme, v.url,
  to_timestamp(p.posted_at_ms / 1000) AS posted_at, p.posted_at_ms,
  v.sla_due_at_ms,
  d.comment_key IS NOT NULL AS deleted, r.reply_at_ms, r.reply_page_id
FROM versions v
JOIN posted p USING (comment_key)
LEFT JOIN deleted d USING (comment_key)
LEFT JOIN replies r USING (comment_key)
WHERE v.newest = 1;
