/* ---
purpose: warnings that concern a project or a post
params: [project_id, post_id]
--- */
SELECT warning_id, entity_type, entity_id, rule_id, severity, evidence, guide, project_id, post_id, scheme
FROM warnings
WHERE ($project_id IS NOT NULL AND project_id = $project_id)
   OR ($post_id IS NOT NULL AND post_id = $post_id)
ORDER BY CASE severity WHEN 'red' THEN 0 ELSE 1 END, rule_id, warning_id
