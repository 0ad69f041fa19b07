/* ---
creates: an_post_rules
meaning_en: >
  Which rules fired on the projects a post handled or on the post itself, counted once per warning: the
  reasons shown beside a post's rank.
meaning_zh: 岗位经办项目及岗位本身触发的规则及次数（岗位排名的理由）。
--- */
WITH handled AS (
    SELECT DISTINCT post_id, project_id
    FROM in_approvals
    WHERE post_id IS NOT NULL AND project_id IS NOT NULL
),
links AS (
    SELECT h.post_id, w.warning_id, w.rule_id
    FROM handled h
    JOIN an_warning_facts w ON w.project_id = h.project_id
    UNION
    SELECT w.post_id, w.warning_id, w.rule_id
    FROM an_warning_facts w
    WHERE w.post_id IS NOT NULL
)
SELECT post_id, rule_id, count(*) AS hits
FROM links
GROUP BY post_id, rule_id
ORDER BY post_id, hits DESC, rule_id
