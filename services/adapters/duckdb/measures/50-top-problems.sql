-- Top problems: citizens' complaints (not spam, not deleted) by region × municipality × category × theme
-- (the lexicon phrase that decided the category, `events.theme`) in [from_ms, to_ms), against the
-- previous period of the same length, with the newest three as examples.
--
-- Is the change more than noise? If the problem's rate did not change, each of the n = current +
-- previous complaints fell in either period with probability 1/2 (equal lengths), so the smaller count
-- is Binomial(n, 1/2); `p_value` is the exact two-sided binomial test, 2·P(X <= min), capped at 1 (terms
-- more than 10 standard deviations below min are left out: they add less than 1e-20). `trend` is up or
-- down when p_value < 0.05, flat otherwise.
CREATE OR REPLACE MACRO binomial_half_two_sided(a, b) AS
  least(1.0, 2.0 * list_sum(list_transform(
    range(greatest(0, least(a, b) - 10 * ceil(sqrt(a + b))::BIGINT - 10)::BIGINT, least(a, b) + 1),
    lambda k: exp(lgamma(a + b + 1) - lgamma(k + 1) - lgamma(a + b - k + 1) - (a + b) * ln(2))
  )));

CREATE OR REPLACE MACRO top_problems(from_ms, to_ms) AS TABLE
WITH complaints AS (
  SELECT region, municipality, category, theme, comment_key, url, posted_at_ms,
    posted_at_ms >= from_ms AS in_period
  FROM comments
  WHERE type = 'complaint' AND NOT deleted AND NOT spam AND theme IS NOT NULL
    AND posted_at_ms >= from_ms - (to_ms - from_ms) AND posted_at_ms < to_ms
),
counted AS (
  SELECT region, municipality, category, theme,
    count(*) FILTER (WHERE in_period) AS complaints,
    count(*) FILTER (WHERE NOT in_period) AS previous,
    list({'key': comment_key, 'url': url} ORDER BY posted_at_ms DESC, comment_key)
      FILTER (WHERE in_period)[1:3] AS examples
  FROM complaints
  GROUP BY ALL
)
SELECT region, municipality, category, theme, complaints, previous, complaints - previous AS change,
  binomial_half_two_sided(complaints, previous) AS p_value,
  CASE
    WHEN binomial_half_two_sided(complaints, previous) >= 0.05 THEN 'flat'
    WHEN complaints > previous THEN 'up'
    ELSE 'down'
  END AS trend,
  coalesce(examples, []) AS examples
FROM counted;
