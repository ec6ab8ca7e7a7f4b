/**
 * Generated data for the analytics benchmark, written by DuckDB itself (millions of rows in seconds):
 * `comments` citizens' comments of one year (2026) over the ten regions of a federal district, and an
 * official reply to 80 % of those that needed one, after an exponential delay (mean 3 hours). Shares:
 * half complaints, a quarter questions, a tenth suggestions; 3 % spam, 5 % toxic; 40 themes a category.
 * Deterministic: every value is a hash of the comment's number.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const YEAR_MS = Date.UTC(2026, 0, 1);

export async function generateComments(c: DuckDBConnection, comments: number): Promise<void> {
  await c.run(`
CREATE OR REPLACE TEMP TABLE generated AS
WITH base AS (
  SELECT i,
    ['54','55','22','42','70','24','38','19','17','04'][(1 + hash(i, 1) % 10)::BIGINT] AS region,
    ['housing_utilities','urban_improvement','roads_transport','healthcare','education','social_protection',
     'ecology','safety_emergency','economy_labor','culture_sport','other'][(1 + hash(i, 2) % 11)::BIGINT] AS category,
    hash(i, 3) % 100 AS t, hash(i, 4) % 100 AS s,
    ${YEAR_MS}::BIGINT + (hash(i, 5) % (365 * 86400000::BIGINT))::BIGINT AS posted_at_ms
  FROM range(${comments}) r(i)
)
SELECT *,
  CASE WHEN t < 50 THEN 'complaint' WHEN t < 75 THEN 'question' WHEN t < 85 THEN 'suggestion'
    WHEN t < 90 THEN 'gratitude' ELSE 'other' END AS type,
  s < 3 AS spam, s >= 95 AS toxic
FROM base`);
  await c.run(`
INSERT INTO events
SELECT 'g' || i, 'VK:g' || i, 'POSTED', 'VK', 'g' || i, 'w' || (i % 100000), NULL,
  'page-' || region || '-' || (hash(i, 6) % 20), region, 'm' || region || '-' || (hash(i, 7) % 20), 'CITIZEN',
  posted_at_ms, category, type, CASE WHEN hash(i, 8) % 10 = 0 THEN 'high' ELSE 'normal' END,
  toxic, spam, type IN ('complaint', 'question', 'suggestion') AND NOT spam,
  posted_at_ms + 4 * 3600000::BIGINT, posted_at_ms + 1000, 120,
  'тема' || (hash(i, 9) % 40), NULL
FROM generated`);
  await c.run(`
INSERT INTO events
SELECT 'r' || i, 'VK:r' || i, 'POSTED', 'VK', 'r' || i, 'w' || (i % 100000), 'VK:g' || i,
  'page-' || region || '-' || (hash(i, 6) % 20), region, 'm' || region || '-' || (hash(i, 7) % 20), 'OFFICIAL',
  posted_at_ms + (-ln((1 + hash(i, 10) % 100000) / 100001.0) * 3 * 3600000::BIGINT)::BIGINT,
  'other', 'other', 'normal', false, false, false, NULL, posted_at_ms + 2000, 200, NULL, NULL
FROM generated
WHERE type IN ('complaint', 'question', 'suggestion') AND NOT spam AND hash(i, 11) % 10 < 8`);
  await c.run('DROP TABLE generated');
  await c.run('CHECKPOINT');
}
