/* ---
creates: an_unit_measures
meaning_en: >
  The counts behind the unit index, per unit and cohort month (period = 'YYYY-MM') and per unit over the
  whole data (period = 'all'). Warnings and problems with no month count in 'all' only.
meaning_zh: 各单位各月（period=年月）及全期（period='all'）的计数：项目、预警、红色预警、核查、查实、整改等。
--- */
WITH proj AS (
    SELECT
        unit_id,
        CASE WHEN grouping(month) = 1 THEN 'all' ELSE month END AS period,
        count(*) AS projects
    FROM an_project_month
    WHERE unit_id IS NOT NULL
    GROUP BY GROUPING SETS ((unit_id, month), (unit_id))
),
warn AS (
    SELECT
        unit_id,
        CASE WHEN grouping(month) = 1 THEN 'all' ELSE month END AS period,
        count(*) AS warnings,
        CAST(sum(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red_warnings,
        sum(severity_weight) AS weighted_warnings,
        count(DISTINCT project_id) AS warned_projects,
        CAST(sum(CASE WHEN decided THEN 1 ELSE 0 END) AS BIGINT) AS decided_warnings,
        sum(confirmed_weight) AS confirmed_warnings,
        median(CASE WHEN decided THEN days_to_outcome END) AS median_days_to_outcome,
        CAST(sum(rect_observable) AS BIGINT) AS rect_observable,
        CAST(sum(rectified) AS BIGINT) AS rectified
    FROM an_warning_facts
    WHERE unit_id IS NOT NULL
    GROUP BY GROUPING SETS ((unit_id, month), (unit_id))
),
prob AS (
    SELECT
        unit_id,
        CASE WHEN grouping(month) = 1 THEN 'all' ELSE month END AS period,
        count(*) AS decided_items,
        sum(weight) AS confirmed_problems
    FROM an_problems
    WHERE unit_id IS NOT NULL
    GROUP BY GROUPING SETS ((unit_id, month), (unit_id))
),
keys AS (
    SELECT unit_id, period FROM proj
    UNION
    SELECT unit_id, period FROM warn
    UNION
    SELECT unit_id, period FROM prob
)
SELECT
    k.unit_id,
    k.period,
    coalesce(p.projects, 0) AS projects,
    coalesce(w.warnings, 0) AS warnings,
    coalesce(w.red_warnings, 0) AS red_warnings,
    coalesce(w.weighted_warnings, 0.0) AS weighted_warnings,
    coalesce(w.warned_projects, 0) AS warned_projects,
    coalesce(w.decided_warnings, 0) AS decided_warnings,
    coalesce(w.confirmed_warnings, 0.0) AS confirmed_warnings,
    w.median_days_to_outcome,
    coalesce(w.rect_observable, 0) AS rect_observable,
    coalesce(w.rectified, 0) AS rectified,
    coalesce(r.decided_items, 0) AS decided_items,
    coalesce(r.confirmed_problems, 0.0) AS confirmed_problems
FROM keys k
LEFT JOIN proj p ON p.unit_id = k.unit_id AND p.period = k.period
LEFT JOIN warn w ON w.unit_id = k.unit_id AND w.period = k.period
LEFT JOIN prob r ON r.unit_id = k.unit_id AND r.period = k.period
WHERE k.period IS NOT NULL
ORDER BY k.unit_id, k.period
