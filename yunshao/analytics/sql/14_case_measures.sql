/* ---
creates: an_case_measures
meaning_en: >
  The case counts behind the real confirmation, rectification and disposal rates, per unit and cohort month
  (period = 'YYYY-MM') and per unit over the whole data (period = 'all'): cases, cases with a verdict,
  confirmed verdicts (weighted), cases to rectify, rectified (closed after rectification) and rectified on
  time. The rates are ratios of these counts (index.case_rates), so months sum to quarters exactly.
meaning_zh: 各单位各月及全期的案件计数：案件、已有结论、查实（加权）、需整改、整改销号、按期整改销号。
--- */
SELECT *
FROM (
    SELECT
        unit_id,
        CASE WHEN grouping(month) = 1 THEN 'all' ELSE month END AS period,
        count(*) AS cases,
        CAST(sum(has_verdict) AS BIGINT) AS case_verdicts,
        CAST(sum(confirmed_weight) AS DOUBLE) AS case_confirmed,
        CAST(sum(to_rectify) AS BIGINT) AS case_to_rectify,
        CAST(sum(rectified) AS BIGINT) AS case_rectified,
        CAST(sum(rectified_on_time) AS BIGINT) AS case_rectified_on_time
    FROM an_case_facts
    WHERE unit_id IS NOT NULL
    GROUP BY GROUPING SETS ((unit_id, month), (unit_id))
) per_period
WHERE period IS NOT NULL  -- a case with no month counts in its unit's 'all' row only
ORDER BY unit_id, period
