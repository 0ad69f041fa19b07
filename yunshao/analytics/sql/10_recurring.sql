/* ---
creates: an_recurring
meaning_en: >
  高频问题: rule × unit pairs that fire in at least recurring_min_months distinct cohort months, with the
  longest run of consecutive months, the hits, and how many hits were verified and confirmed.
meaning_zh: 高频问题：同一规则在同一单位至少于 recurring_min_months 个月份出现，含最长连续月数与查实情况。
--- */
WITH pair_months AS (
    SELECT
        rule_id,
        unit_id,
        month,
        count(*) AS hits,
        CAST(sum(CASE WHEN decided THEN 1 ELSE 0 END) AS BIGINT) AS decided,
        sum(confirmed_weight) AS confirmed,
        CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) AS month_index
    FROM an_warning_facts
    WHERE unit_id IS NOT NULL AND month IS NOT NULL
    GROUP BY rule_id, unit_id, month
),
islands AS (
    SELECT
        pair_months.*,
        month_index - row_number() OVER (PARTITION BY rule_id, unit_id ORDER BY month_index) AS island
    FROM pair_months
),
streaks AS (
    SELECT rule_id, unit_id, island, count(*) AS streak
    FROM islands
    GROUP BY rule_id, unit_id, island
),
pairs AS (
    SELECT
        rule_id,
        unit_id,
        count(*) AS months_with_hits,
        CAST(sum(hits) AS BIGINT) AS hits,
        min(month) AS first_month,
        max(month) AS last_month,
        CAST(sum(decided) AS BIGINT) AS decided,
        sum(confirmed) AS confirmed
    FROM pair_months
    GROUP BY rule_id, unit_id
),
longest AS (
    SELECT rule_id, unit_id, max(streak) AS longest_streak
    FROM streaks
    GROUP BY rule_id, unit_id
)
SELECT p.*, l.longest_streak
FROM pairs p
JOIN longest l ON l.rule_id = p.rule_id AND l.unit_id = p.unit_id
WHERE p.months_with_hits >= {{ recurring_min_months }}
ORDER BY p.months_with_hits DESC, p.hits DESC, p.rule_id, p.unit_id
