/* ---
purpose: the projects a post acted on, with how often and their scores
params: [post_id]
--- */
SELECT
    p.project_id, p.name, p.domain, p.unit_id, s.risk_score, s.level,
    count(*) AS actions, min(a.occurred_at) AS first_at, max(a.occurred_at) AS last_at
FROM approvals a
JOIN projects p ON p.project_id = a.project_id
LEFT JOIN project_scores s ON s.project_id = p.project_id
WHERE a.post_id = $post_id
GROUP BY ALL
ORDER BY s.risk_score DESC NULLS LAST, p.project_id
