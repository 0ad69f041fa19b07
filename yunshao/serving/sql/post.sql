/* ---
purpose: one post with its unit and its score in the latest run
params: [post_id]
--- */
SELECT
    po.*, u.name AS unit_name,
    s.risk_score, s.level AS risk_level, s.warning_count, s.top_factors
FROM posts po
LEFT JOIN units u ON u.unit_id = po.unit_id
LEFT JOIN post_scores s ON s.post_id = po.post_id
WHERE po.post_id = $post_id
