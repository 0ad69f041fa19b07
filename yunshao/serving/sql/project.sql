/* ---
purpose: one project with its unit and its score in the latest run
params: [project_id]
--- */
SELECT
    p.*, u.name AS unit_name,
    s.risk_score, s.level, s.rule_hits, s.anomaly_score, s.model_score, s.top_factors
FROM projects p
LEFT JOIN units u ON u.unit_id = p.unit_id
LEFT JOIN project_scores s ON s.project_id = p.project_id
WHERE p.project_id = $project_id
