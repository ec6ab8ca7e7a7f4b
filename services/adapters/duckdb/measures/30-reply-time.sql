-- Time to the first official reply of the comments that needed one, per region and page: median and
-- p90 (minutes), and the shares answered within the policy's target and within 4 hours (the norm the
-- centres quote). Comments not answered yet count as not within either.
CREATE OR REPLACE VIEW reply_times AS
SELECT *, (reply_at_ms - posted_at_ms) / 60000.0 AS reply_minutes
FROM comments
WHERE actionable AND NOT deleted;

CREATE OR REPLACE VIEW measure_reply_time AS
SELECT
  region, page_id,
  count(*) AS needing_reply,
  count(reply_at_ms) AS answered,
  median(reply_minutes) AS median_minutes,
  quantile_cont(reply_minutes, 0.9) AS p90_minutes,
  avg(CASE WHEN reply_at_ms IS NOT NULL AND sla_due_at_ms IS NOT NULL AND reply_at_ms <= sla_due_at_ms
      THEN 1 ELSE 0 END) AS within_target_share,
  avg(CASE WHEN reply_minutes IS NOT NULL AND reply_minutes <= 240 THEN 1 ELSE 0 END) AS within_4h_share
FROM reply_times
GROUP BY ALL;
