/* ---
purpose: the rule hits of a scoring batch's own projects (peers' hits are left out)
params: [ids]
--- */
SELECT warning_id, entity_type, entity_id, rule_id, severity, evidence, guide, project_id, scheme, post_id
FROM warnings
WHERE list_contains($ids, project_id)
ORDER BY project_id, CASE severity WHEN 'red' THEN 0 ELSE 1 END, rule_id, warning_id
