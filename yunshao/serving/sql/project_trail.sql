/* ---
purpose: a project's trail (行权轨迹) in time order, with who acted from which post and unit
params: [project_id]
--- */
SELECT
    a.event_id, a.node, a.action, a.occurred_at, a.amount, a.channel, a.note,
    a.person_id, pe.name AS person_name, pe.id_hash AS person_id_hash,
    a.post_id, po.title AS post_title, a.unit_id, u.name AS unit_name
FROM approvals a
LEFT JOIN people pe ON pe.person_id = a.person_id
LEFT JOIN posts po ON po.post_id = a.post_id
LEFT JOIN units u ON u.unit_id = a.unit_id
WHERE a.project_id = $project_id
ORDER BY a.occurred_at, a.event_id
