/* ---
entity: project
family: trail
requires: [tenders, projects]
meaning_en: each works project's build period, from commencement (or award) to completion acceptance (or planned end, or the as-of time)
meaning_zh: 工程项目的施工期：自开工（或定标）至竣工验收（或计划竣工、数据截止）
--- */
SELECT
    p.project_id,
    coalesce(c16.first_approve, t.first_award) AS start_at,
    coalesce(c19.first_approve, CAST(p.planned_end AS TIMESTAMP), k.as_of) AS end_at
FROM projects p
CROSS JOIN dataset_clock k
LEFT JOIN node_times c16 ON c16.project_id = p.project_id AND c16.node = 'C16'
LEFT JOIN node_times c19 ON c19.project_id = p.project_id AND c19.node = 'C19'
LEFT JOIN (SELECT project_id, min(awarded_at) AS first_award FROM tenders GROUP BY project_id) t
  ON t.project_id = p.project_id
WHERE p.domain = 'construction' AND coalesce(p.status, 'ongoing') <> 'cancelled'
