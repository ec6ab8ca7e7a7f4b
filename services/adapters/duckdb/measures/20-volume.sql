-- Volume by day, region, municipality, page, category and type: how many comments, and the shares of
-- complaints, questions, suggestions, toxic and spam among them.
CREATE OR REPLACE VIEW measure_volume AS
SELECT
  CAST(posted_at AS DATE) AS day, region, municipality, page_id, category, type,
  count(*) AS comments,
  avg(CASE WHEN type = 'complaint' THEN 1 ELSE 0 END) AS complaint_share,
  avg(CASE WHEN type = 'question' THEN 1 ELSE 0 END) AS question_share,
  avg(CASE WHEN type = 'suggestion' THEN 1 ELSE 0 END) AS suggestion_share,
  avg(CASE WHEN toxic THEN 1 ELSE 0 END) AS toxic_share,
  avg(CASE WHEN spam THEN 1 ELSE 0 END) AS spam_share
FROM comments
WHERE NOT deleted
GROUP BY ALL;
