-- The effect of each management decision: citizens' complaints (not spam, not deleted) on its problem
-- in its place, per day, in the window before the decision and the same window after it.
--
-- Its problem: the decision's category and, when it names theme words, a comment whose theme holds one
-- of their stems; its place: the region and, when named, the municipality. The window is 30 days, or
-- fewer when the data (the newest comment of any region) end sooner after the decision: both windows
-- then shrink to the days there are, so before and after stay comparable; `window_days` = 0 means too
-- early to tell.
--
-- With equal windows of d days, the counts b (before) and a (after) are Poisson, and the change of the
-- daily rate (a - b) / d has the standard error sqrt(a + b) / d; the 95 % interval is ± 1.96 of it.
-- `effect` is 'fell' or 'rose' when the interval leaves out zero, 'unchanged' when it holds zero (the
-- decisions after which nothing measurably changed), 'too_early' with no days after.
CREATE OR REPLACE VIEW measure_decision_effect AS
WITH data_end AS (SELECT coalesce(max(posted_at_ms), 0) AS end_ms FROM comments),
windows AS (
  SELECT d.*,
    greatest(0, least(30, floor((e.end_ms - d.decided_at_ms) / 86400000)))::INTEGER AS window_days
  FROM decisions d, data_end e
),
counted AS (
  SELECT w.decision_id,
    count(c.comment_key) FILTER (WHERE c.posted_at_ms < w.decided_at_ms) AS before,
    count(c.comment_key) FILTER (WHERE c.posted_at_ms >= w.decided_at_ms) AS after
  FROM windows w
  LEFT JOIN comments c
    ON c.region = w.region
    AND (w.municipality IS NULL OR c.municipality = w.municipality)
    AND c.category = w.category
    AND c.type = 'complaint' AND NOT c.spam AND NOT c.deleted
    AND (len(w.theme_stems) = 0 OR list_has_any(string_split(coalesce(c.theme, ''), ' '), w.theme_stems))
    AND c.posted_at_ms >= w.decided_at_ms - w.window_days * 86400000::BIGINT
    AND c.posted_at_ms < w.decided_at_ms + w.window_days * 86400000::BIGINT
  GROUP BY w.decision_id
)
SELECT w.decision_id, w.title, w.decided_at_ms, w.region, w.municipality, w.category, w.theme_stems,
  w.incident_id, w.window_days, c.before, c.after,
  CASE WHEN w.window_days > 0 THEN c.before / w.window_days END AS rate_before,
  CASE WHEN w.window_days > 0 THEN c.after / w.window_days END AS rate_after,
  CASE WHEN w.window_days > 0 THEN (c.after - c.before) / w.window_days END AS rate_change,
  CASE WHEN w.window_days > 0 THEN (c.after - c.before - 1.96 * sqrt(c.after + c.before)) / w.window_days END
    AS change_low,
  CASE WHEN w.window_days > 0 THEN (c.after - c.before + 1.96 * sqrt(c.after + c.before)) / w.window_days END
    AS change_high,
  CASE
    WHEN w.window_days = 0 THEN 'too_early'
    WHEN c.after - c.before + 1.96 * sqrt(c.after + c.before) < 0 THEN 'fell'
    WHEN c.after - c.before - 1.96 * sqrt(c.after + c.before) > 0 THEN 'rose'
    ELSE 'unchanged'
  END AS effect
FROM windows w JOIN counted c USING (decision_id);
