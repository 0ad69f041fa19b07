/* ---
creates: an_outcome_targets
meaning_en: >
  Each outcome addressed like a warning: its project (the project, the tender's project, or the project of
  the warning it answers), its post, unit and cohort month.
meaning_zh: 每条核查结论归属的项目、岗位、单位与月份。
--- */
WITH addressed AS (
    SELECT
        o.*,
        CASE o.entity_type
            WHEN 'project' THEN o.entity_id
            WHEN 'tender' THEN t.project_id
            WHEN 'warning' THEN w.project_id
        END AS project_id,
        CASE o.entity_type
            WHEN 'post' THEN o.entity_id
            WHEN 'warning' THEN w.post_id
        END AS post_id
    FROM an_outcomes o
    LEFT JOIN in_tenders t ON o.entity_type = 'tender' AND t.tender_id = o.entity_id
    LEFT JOIN an_warnings w ON o.entity_type = 'warning' AND w.warning_id = o.entity_id
)
SELECT
    a.*,
    coalesce(pm.unit_id, ps.unit_id) AS unit_id,
    pm.month
FROM addressed a
LEFT JOIN an_project_month pm ON pm.project_id = a.project_id
LEFT JOIN in_posts ps ON ps.post_id = a.post_id
