/* ---
purpose: what the latest run asks inspectors to follow — every warning, and every red project that has no warning of its own — with the unit (and region) a case belongs to
--- */
WITH subject_unit AS (
    SELECT
        w.warning_id,
        w.project_id,
        w.rule_id,
        w.severity,
        w.scheme,
        COALESCE(p.unit_id, po.unit_id) AS unit_id,
        COALESCE(p.name, po.title) AS title
    FROM warnings AS w
    LEFT JOIN projects AS p ON p.project_id = w.project_id
    LEFT JOIN posts AS po ON po.post_id = w.post_id
)
SELECT
    'warning:' || s.warning_id AS subject,
    s.warning_id,
    s.project_id,
    s.unit_id,
    u.region,
    s.rule_id,
    s.severity,
    s.scheme,
    s.title
FROM subject_unit AS s
LEFT JOIN units AS u ON u.unit_id = s.unit_id
UNION ALL
SELECT
    'project:' || ps.project_id AS subject,
    NULL AS warning_id,
    ps.project_id,
    p.unit_id,
    u.region,
    NULL AS rule_id,
    'red' AS severity,
    NULL AS scheme,
    p.name AS title
FROM project_scores AS ps
JOIN projects AS p ON p.project_id = ps.project_id
LEFT JOIN units AS u ON u.unit_id = p.unit_id
WHERE ps.level = 'red'
  AND NOT EXISTS (SELECT 1 FROM warnings AS w WHERE w.project_id = ps.project_id)
ORDER BY subject
