/* ---
creates: an_problems
meaning_en: >
  Verified problems (查实问题) of each unit and month, whether or not a rule warned about them: the
  outcomes deduplicated per project (or post, when no project) and scheme, the latest (feedback over a
  label) kept, with their confirmed weight.
meaning_zh: 各单位各月查实问题（不论是否有预警）：按项目（或岗位）与问题类型去重，取最新结论。
--- */
WITH keyed AS (
    SELECT
        o.*,
        coalesce('project:' || o.project_id, 'post:' || o.post_id, o.entity_type || ':' || o.entity_id)
            AS problem_key,
        coalesce(o.scheme, '') AS scheme_key
    FROM an_outcome_targets o
),
ranked AS (
    SELECT
        keyed.*,
        row_number() OVER (
            PARTITION BY problem_key, scheme_key ORDER BY decided_at DESC NULLS LAST, priority DESC
        ) AS rn
    FROM keyed
)
SELECT problem_key, scheme, outcome, weight, decided_at, project_id, post_id, unit_id, month
FROM ranked
WHERE rn = 1
