/* ---
creates: an_rule_units
meaning_en: >
  Each rule in each unit: its hits in this run (warnings, red ones, and those with a verified outcome and
  confirmed, from labels and feedback) beside its cases in the case store (cases, verdicts, confirmed
  verdicts weighted, to rectify, rectified). The rule review of a caller scoped to some units sums the rows
  of those units; unit_id is NULL for a hit or case with no unit (seen only without a scope).
meaning_zh: 各规则在各单位的命中（预警、红色、已核查、查实）与案件（案件、结论、查实、需整改、已整改）计数。
--- */
WITH hits AS (
    SELECT
        rule_id,
        unit_id,
        count(*) AS hits,
        CAST(sum(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red_hits,
        CAST(sum(CASE WHEN decided THEN 1 ELSE 0 END) AS BIGINT) AS decided,
        sum(confirmed_weight) AS confirmed
    FROM an_warning_facts
    GROUP BY rule_id, unit_id
),
case_counts AS (
    SELECT
        rule_id,
        unit_id,
        count(*) AS cases,
        CAST(sum(has_verdict) AS BIGINT) AS case_verdicts,
        CAST(sum(confirmed_weight) AS DOUBLE) AS case_confirmed,
        CAST(sum(to_rectify) AS BIGINT) AS case_to_rectify,
        CAST(sum(rectified) AS BIGINT) AS case_rectified,
        CAST(sum(rectified_on_time) AS BIGINT) AS case_rectified_on_time
    FROM an_case_facts
    WHERE rule_id IS NOT NULL
    GROUP BY rule_id, unit_id
)
SELECT
    coalesce(h.rule_id, c.rule_id) AS rule_id,
    coalesce(h.unit_id, c.unit_id) AS unit_id,
    coalesce(h.hits, 0) AS hits,
    coalesce(h.red_hits, 0) AS red_hits,
    coalesce(h.decided, 0) AS decided,
    coalesce(h.confirmed, 0.0) AS confirmed,
    coalesce(c.cases, 0) AS cases,
    coalesce(c.case_verdicts, 0) AS case_verdicts,
    coalesce(c.case_confirmed, 0.0) AS case_confirmed,
    coalesce(c.case_to_rectify, 0) AS case_to_rectify,
    coalesce(c.case_rectified, 0) AS case_rectified,
    coalesce(c.case_rectified_on_time, 0) AS case_rectified_on_time
FROM hits h
FULL OUTER JOIN case_counts c ON c.rule_id = h.rule_id AND c.unit_id IS NOT DISTINCT FROM h.unit_id
ORDER BY rule_id, unit_id NULLS LAST
