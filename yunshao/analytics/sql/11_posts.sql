/* ---
creates: an_posts
meaning_en: >
  Each post (岗位): the projects whose trail it acted on, how many of those drew a warning and how many
  were confirmed, the warnings addressed to the post itself, and the run's post score when there is one.
  A post with many warned projects is what 海盐 calls a 高风险岗位.
meaning_zh: 各岗位经办项目数、其中有预警与查实的项目数、直接指向岗位的预警数，以及运行给出的岗位风险分。
--- */
WITH handled AS (
    SELECT DISTINCT post_id, project_id
    FROM in_approvals
    WHERE post_id IS NOT NULL AND project_id IS NOT NULL
),
warned AS (
    SELECT project_id, count(*) AS warnings, CAST(sum(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red
    FROM an_warning_facts
    WHERE project_id IS NOT NULL
    GROUP BY project_id
),
confirmed AS (
    SELECT project_id, max(weight) AS weight
    FROM an_problems
    WHERE project_id IS NOT NULL
    GROUP BY project_id
),
per_post AS (
    SELECT
        h.post_id,
        count(*) AS handled_projects,
        CAST(sum(CASE WHEN w.project_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS warned_projects,
        CAST(sum(CASE WHEN w.red > 0 THEN 1 ELSE 0 END) AS BIGINT) AS red_projects,
        sum(coalesce(c.weight, 0.0)) AS confirmed_projects
    FROM handled h
    LEFT JOIN warned w ON w.project_id = h.project_id
    LEFT JOIN confirmed c ON c.project_id = h.project_id
    GROUP BY h.post_id
),
direct AS (
    SELECT post_id, count(*) AS post_warnings
    FROM an_warning_facts
    WHERE post_id IS NOT NULL
    GROUP BY post_id
),
acting_unit AS (
    SELECT post_id, unit_id
    FROM (
        SELECT
            post_id,
            unit_id,
            row_number() OVER (PARTITION BY post_id ORDER BY count(*) DESC, unit_id) AS rn
        FROM in_approvals
        WHERE post_id IS NOT NULL AND unit_id IS NOT NULL
        GROUP BY post_id, unit_id
    ) ranked
    WHERE rn = 1
),
all_posts AS (
    SELECT post_id FROM in_posts
    UNION
    SELECT post_id FROM per_post
    UNION
    SELECT post_id FROM direct
    UNION
    SELECT post_id FROM in_post_scores
)
SELECT
    a.post_id,
    coalesce(ps.unit_id, au.unit_id) AS unit_id,
    ps.title,
    ps.is_head,
    coalesce(pp.handled_projects, 0) AS handled_projects,
    coalesce(pp.warned_projects, 0) AS warned_projects,
    coalesce(pp.red_projects, 0) AS red_projects,
    coalesce(pp.confirmed_projects, 0.0) AS confirmed_projects,
    coalesce(d.post_warnings, 0) AS post_warnings,
    sc.risk_score AS run_risk_score,
    sc.level AS run_level,
    sc.top_factors AS run_top_factors
FROM all_posts a
LEFT JOIN in_posts ps ON ps.post_id = a.post_id
LEFT JOIN acting_unit au ON au.post_id = a.post_id
LEFT JOIN per_post pp ON pp.post_id = a.post_id
LEFT JOIN direct d ON d.post_id = a.post_id
LEFT JOIN in_post_scores sc ON sc.post_id = a.post_id
WHERE a.post_id IS NOT NULL
