/* ---
creates: an_warnings
meaning_en: >
  Every warning addressed to a project, a post and a unit where it can be: the project is the warning's
  own project_id, the project itself, or the tender's project; the post is its post_id or the post itself;
  the unit is the project's unit, else the post's unit. The month is the project's cohort month (NULL for
  warnings with no project, which count in unit totals but in no month).
meaning_zh: 每条预警归属的项目、岗位、单位与月份（无项目的岗位预警只计入单位合计）。
--- */
WITH addressed AS (
    SELECT
        w.warning_id,
        w.entity_type,
        w.entity_id,
        w.rule_id,
        w.severity,
        w.scheme,
        coalesce(w.project_id, CASE WHEN w.entity_type = 'project' THEN w.entity_id END, t.project_id)
            AS project_id,
        coalesce(w.post_id, CASE WHEN w.entity_type = 'post' THEN w.entity_id END) AS post_id
    FROM in_warnings w
    LEFT JOIN in_tenders t ON w.entity_type = 'tender' AND t.tender_id = w.entity_id
)
SELECT
    a.*,
    coalesce(pm.unit_id, ps.unit_id) AS unit_id,
    pm.month,
    CASE WHEN a.severity = 'red' THEN {{ red_weight }} ELSE 1.0 END AS severity_weight
FROM addressed a
LEFT JOIN an_project_month pm ON pm.project_id = a.project_id
LEFT JOIN in_posts ps ON ps.post_id = a.post_id
