-- Repeat complaints: a complaint is a repeat when an earlier complaint on the same problem (category ×
-- theme) in the same place (region × municipality) had already had its first official reply before it
-- was posted: the reply did not settle the problem. Spam and deleted comments do not count; a comment
-- without a theme has no problem to repeat.
CREATE OR REPLACE VIEW repeat_complaints AS
WITH complaints AS (
  SELECT comment_key, region, municipality, category, theme, url, posted_at_ms, reply_at_ms
  FROM comments
  WHERE type = 'complaint' AND NOT deleted AND NOT spam AND theme IS NOT NULL
)
SELECT *,
  coalesce(
    min(reply_at_ms) OVER (
      PARTITION BY region, municipality, category, theme
      ORDER BY posted_at_ms, comment_key
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) < posted_at_ms,
    false
  ) AS is_repeat
FROM complaints;

-- By place and problem, for complaints posted in [from_ms, to_ms): how many, how many were repeats. The
-- same test as `repeat_complaints`, without ordering the whole history: what the complaints before the
-- period bring is only the earliest first reply among them (a hash aggregate), and the window runs over
-- the period's complaints alone.
CREATE OR REPLACE MACRO measure_repeats(from_ms, to_ms) AS TABLE
WITH complaints AS (
  SELECT comment_key, region, municipality, category, theme, posted_at_ms, reply_at_ms
  FROM comments
  WHERE type = 'complaint' AND NOT deleted AND NOT spam AND theme IS NOT NULL AND posted_at_ms < to_ms
),
earlier AS (
  SELECT region, municipality, category, theme, min(reply_at_ms) AS reply_at_ms
  FROM complaints WHERE posted_at_ms < from_ms
  GROUP BY ALL
),
marked AS (
  SELECT c.region, c.municipality, c.category, c.theme,
    coalesce(least(
      e.reply_at_ms,
      min(c.reply_at_ms) OVER (
        PARTITION BY c.region, c.municipality, c.category, c.theme
        ORDER BY c.posted_at_ms, c.comment_key
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      )
    ) < c.posted_at_ms, false) AS is_repeat
  FROM complaints c
  LEFT JOIN earlier e
    ON e.region = c.region AND e.municipality IS NOT DISTINCT FROM c.municipality
    AND e.category = c.category AND e.theme = c.theme
  WHERE c.posted_at_ms >= from_ms
)
SELECT region, municipality, category, theme,
  count(*) AS complaints,
  count(*) FILTER (WHERE is_repeat) AS repeats,
  avg(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS repeat_share
FROM marked
GROUP BY ALL;
