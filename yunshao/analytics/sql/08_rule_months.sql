/* ---
creates: an_rule_months
meaning_en: >
  Hits of each rule per cohort month, beside the number of projects of that month (all units), so a
  trend compares rates and not volumes.
meaning_zh: 各规则各月命中数，以及该月项目总数（用于按比率比较趋势）。
--- */
WITH months AS (
    SELECT month, count(*) AS projects
    FROM an_project_month
    WHERE month IS NOT NULL
    GROUP BY month
),
hits AS (
    SELECT
        rule_id,
        month,
        count(*) AS hits,
        CAST(sum(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red_hits,
        CAST(sum(CASE WHEN decided THEN 1 ELSE 0 END) AS BIGINT) AS decided,
        sum(confirmed_weight) AS confirmed
    FROM an_warning_facts
    WHERE month IS NOT NULL
    GROUP BY rule_id, month
),
rules AS (
    SELECT DISTINCT rule_id FROM an_warning_facts
)
SELECT
    r.rule_id,
    m.month,
    m.projects,
    coalesce(h.hits, 0) AS hits,
    coalesce(h.red_hits, 0) AS red_hits,
    coalesce(h.decided, 0) AS decided,
    coalesce(h.confirmed, 0.0) AS confirmed
FROM rules r
CROSS JOIN months m
LEFT JOIN hits h ON h.rule_id = r.rule_id AND h.month = m.month
ORDER BY r.rule_id, m.month
