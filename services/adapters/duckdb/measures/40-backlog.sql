-- Backlog: comments that needed a reply and have none yet, by age, with how many of them were breached
-- (a BREACH alert was published for them). Age is measured against `now()` of the query.
CREATE OR REPLACE VIEW measure_backlog AS
SELECT
  region, category, priority,
  CASE
    WHEN epoch_ms(now()::TIMESTAMP) - posted_at_ms < 4 * 3600000 THEN '0-4h'
    WHEN epoch_ms(now()::TIMESTAMP) - posted_at_ms < 24 * 3600000 THEN '4-24h'
    WHEN epoch_ms(now()::TIMESTAMP) - posted_at_ms < 7 * 86400000 THEN '1-7d'
    ELSE '>7d'
  END AS age,
  count(*) AS unanswered,
  count(*) FILTER (WHERE comment_key IN (SELECT comment_key FROM alerts WHERE kind = 'BREACH')) AS breached
FROM reply_times
WHERE reply_at_ms IS NULL
GROUP BY ALL;
