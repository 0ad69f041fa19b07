/* ---
name: project_rule_hits
purpose: one row per (project, rule) with the worst severity the rule gave the project
reads: [warnings]
--- */
SELECT
    project_id,
    rule_id,
    MAX(CASE WHEN severity = 'red' THEN 2 ELSE 1 END) AS severity_rank,
    MIN(scheme) AS scheme
FROM warnings
WHERE project_id IS NOT NULL
GROUP BY project_id, rule_id
