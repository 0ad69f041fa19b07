/* ---
purpose: whether an entity that feedback names exists in the store, the project a warning concerns, and the unit it belongs to (a key's scope)
params: [entity_type, entity_id]
--- */
SELECT entity_type, entity_id, project_id, scheme, unit_id FROM (
    SELECT 'project' AS entity_type, project_id AS entity_id, project_id, NULL AS scheme, unit_id FROM projects
    UNION ALL SELECT 'post', post_id, NULL, NULL, unit_id FROM posts
    UNION ALL
    SELECT 'tender', t.tender_id, t.project_id, NULL, p.unit_id
    FROM tenders t LEFT JOIN projects p ON p.project_id = t.project_id
    UNION ALL
    SELECT 'warning', w.warning_id, w.project_id, w.scheme, COALESCE(p.unit_id, po.unit_id)
    FROM warnings w
    LEFT JOIN projects p ON p.project_id = w.project_id
    LEFT JOIN posts po ON po.post_id = w.post_id
)
WHERE entity_type = $entity_type AND entity_id = $entity_id
LIMIT 1
