/* ---
purpose: whether an entity that feedback names exists in the store, and the project a warning concerns
params: [entity_type, entity_id]
--- */
SELECT entity_type, entity_id, project_id, scheme FROM (
    SELECT 'project' AS entity_type, project_id AS entity_id, project_id, NULL AS scheme FROM projects
    UNION ALL SELECT 'post', post_id, NULL, NULL FROM posts
    UNION ALL SELECT 'tender', tender_id, project_id, NULL FROM tenders
    UNION ALL SELECT 'warning', warning_id, project_id, scheme FROM warnings
)
WHERE entity_type = $entity_type AND entity_id = $entity_id
LIMIT 1
