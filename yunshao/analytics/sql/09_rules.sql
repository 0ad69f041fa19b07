/* ---
creates: an_rules
meaning_en: >
  Each rule over the whole data: hits, red hits, units, projects and months it touched, how many hits got
  a verified outcome and how many of those were confirmed, and the median days from warning to outcome.
meaning_zh: 各规则全期命中、红色命中、涉及单位/项目/月份数、已核查数、查实数、预警至结论天数中位数。
--- */
SELECT
    rule_id,
    min(scheme) AS scheme,
    min(entity_type) AS entity_type,
    count(*) AS hits,
    CAST(sum(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red_hits,
    count(DISTINCT unit_id) AS units_hit,
    count(DISTINCT project_id) AS projects_hit,
    count(DISTINCT month) AS months_with_hits,
    min(month) AS first_month,
    max(month) AS last_month,
    CAST(sum(CASE WHEN decided THEN 1 ELSE 0 END) AS BIGINT) AS decided,
    sum(confirmed_weight) AS confirmed,
    median(CASE WHEN decided THEN days_to_outcome END) AS median_days_to_outcome
FROM an_warning_facts
GROUP BY rule_id
ORDER BY hits DESC, rule_id
