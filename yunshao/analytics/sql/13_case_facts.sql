/* ---
creates: an_case_facts
meaning_en: >
  One row per case of the case store (督办 → 核查 → 整改 → 销号), addressed like a warning: the case's unit
  (the unit of its warning or project when the case was opened), else its project's unit, and the project's
  cohort month (NULL for a case with no project, which counts in the unit's whole-period figures only).
  has_verdict: the case got a verdict (confirmed, partial or unfounded; it keeps it while rectifying and
  once closed). confirmed_weight: confirmed 1, partial partial_confirmed_weight, unfounded 0 (查实率).
  to_rectify: a confirmed or partial verdict, which the lifecycle closes only after rectifying (整改率's
  denominator; a partial verdict counts 1 here, as it must be rectified like a confirmed one).
  rectified: such a case closed (销号) with its evidence of rectification, on time or late.
  rectified_on_time: closed on or before its rectification deadline (local date of the close event).
meaning_zh: >
  每个案件一行：所属单位与月份；是否已有核查结论；查实权重（属实 1、部分属实 partial_confirmed_weight、不属实 0）；
  是否需整改（属实或部分属实）；是否整改后销号；是否在整改期限内销号。
--- */
SELECT
    c.case_id,
    c.rule_id,
    c.severity,
    c.state,
    c.verdict,
    coalesce(c.unit_id, pm.unit_id) AS unit_id,
    pm.month,
    CASE WHEN c.verdict IN ('confirmed', 'partial', 'unfounded') THEN 1 ELSE 0 END AS has_verdict,
    CASE c.verdict
        WHEN 'confirmed' THEN 1.0
        WHEN 'partial' THEN {{ partial_confirmed_weight }}
        ELSE 0.0
    END AS confirmed_weight,
    CASE WHEN c.verdict IN ('confirmed', 'partial') THEN 1 ELSE 0 END AS to_rectify,
    CASE WHEN c.verdict IN ('confirmed', 'partial') AND c.state = 'closed' THEN 1 ELSE 0 END AS rectified,
    CASE
        WHEN c.verdict IN ('confirmed', 'partial') AND c.state = 'closed'
            AND CAST(c.closed_at AS DATE) <= c.rectify_deadline
        THEN 1 ELSE 0
    END AS rectified_on_time
FROM in_cases c
LEFT JOIN an_project_month pm ON pm.project_id = c.project_id
