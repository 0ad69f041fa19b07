/* ---
purpose: the unit each feedback target (project, post, tender or warning) belongs to, so that a scoped key lists only the feedback on its units
params: [ids]
--- */
WITH wanted AS (SELECT unnest($ids) AS entity_id)
SELECT 'project' AS entity_type, project_id AS entity_id, unit_id
FROM projects WHERE project_id IN (SELECT entity_id FROM wanted)
UNION ALL
SELECT 'post', post_id, unit_id FROM posts WHERE post_id IN (SELECT entity_id FROM wanted)
UNION ALL
SELECT 'tender', t.tender_id, p.unit_id
FROM tenders t LEFT JOIN projects p ON p.project_id = t.project_id
WHERE t.tender_id IN (SELECT entity_id FROM wanted)
UNION ALL
SELECT 'warning', w.warning_id, COALESCE(p.unit_id, po.unit_id)
FROM warnings w
LEFT JOIN projects p ON p.project_id = w.project_id
LEFT JOIN posts po ON po.post_id = w.post_id
WHERE w.warning_id IN (SELECT entity_id FROM wanted)
