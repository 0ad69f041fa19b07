/* ---
entity: project
family: context
requires: [projects, approvals]
optional: [tenders, contracts]
features:
  - name: peer_z_budget_cat
    type: float
    zh: 预算金额稳健Z分数（同领域同类别）
    en: robust z of budget (domain and category)
    meaning_zh: >
      项目预算（budget_amount）在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the budget (budget_amount) among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_budget_unit
    type: float
    zh: 预算金额稳健Z分数（同领域同单位）
    en: robust z of budget (domain and unit)
    meaning_zh: >
      项目预算（budget_amount）在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the budget (budget_amount) among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_contract_over_budget_cat
    type: float
    zh: 主合同额与预算比稳健Z分数（同领域同类别）
    en: robust z of main contract over budget (domain and category)
    meaning_zh: >
      主合同金额之和与预算之比在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the main contracts' amount over the budget among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_contract_over_budget_unit
    type: float
    zh: 主合同额与预算比稳健Z分数（同领域同单位）
    en: robust z of main contract over budget (domain and unit)
    meaning_zh: >
      主合同金额之和与预算之比在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the main contracts' amount over the budget among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_award_over_ceiling_cat
    type: float
    zh: 中标价与限价比稳健Z分数（同领域同类别）
    en: robust z of award over ceiling (domain and category)
    meaning_zh: >
      各次招标中标价之和与其最高限价之和之比（两者都有的招标）在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the tenders' award prices over their ceiling prices, summed over tenders with both among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_award_over_ceiling_unit
    type: float
    zh: 中标价与限价比稳健Z分数（同领域同单位）
    en: robust z of award over ceiling (domain and unit)
    meaning_zh: >
      各次招标中标价之和与其最高限价之和之比（两者都有的招标）在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the tenders' award prices over their ceiling prices, summed over tenders with both among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_planned_days_cat
    type: float
    zh: 计划工期稳健Z分数（同领域同类别）
    en: robust z of planned duration (domain and category)
    meaning_zh: >
      计划工期天数（计划开工至计划完工）在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the planned duration in days (planned_start to planned_end) among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_planned_days_unit
    type: float
    zh: 计划工期稳健Z分数（同领域同单位）
    en: robust z of planned duration (domain and unit)
    meaning_zh: >
      计划工期天数（计划开工至计划完工）在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the planned duration in days (planned_start to planned_end) among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_trail_days_cat
    type: float
    zh: 轨迹跨度稳健Z分数（同领域同类别）
    en: robust z of trail duration (domain and category)
    meaning_zh: >
      审批轨迹首末事件间隔天数在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the days from the first to the last trail event among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_trail_days_unit
    type: float
    zh: 轨迹跨度稳健Z分数（同领域同单位）
    en: robust z of trail duration (domain and unit)
    meaning_zh: >
      审批轨迹首末事件间隔天数在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the days from the first to the last trail event among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_approvals_cat
    type: float
    zh: 审批通过数稳健Z分数（同领域同类别）
    en: robust z of approvals (domain and category)
    meaning_zh: >
      审批通过（approve）事件数在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the number of approve events among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_approvals_unit
    type: float
    zh: 审批通过数稳健Z分数（同领域同单位）
    en: robust z of approvals (domain and unit)
    meaning_zh: >
      审批通过（approve）事件数在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the number of approve events among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_change_over_contract_cat
    type: float
    zh: 变更额与合同额比稳健Z分数（同领域同类别）
    en: robust z of change orders over contract (domain and category)
    meaning_zh: >
      变更/签证（C17）审批通过金额之和与主合同金额之比在同领域、同类别（category）项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the approved change-order (C17) amounts over the main contracts' amount among projects of the same domain and category: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
  - name: peer_z_change_over_contract_unit
    type: float
    zh: 变更额与合同额比稳健Z分数（同领域同单位）
    en: robust z of change orders over contract (domain and unit)
    meaning_zh: >
      变更/签证（C17）审批通过金额之和与主合同金额之比在同领域、同单位项目中的稳健Z分数：（值－中位数）÷（1.4826×MAD）；MAD为0时改除以1.2533×平均绝对离差，
      全组取值相同时为0；组内有值项目少于5个或本项目无值时为空。
    meaning_en: >
      Robust z-score of the approved change-order (C17) amounts over the main contracts' amount among projects of the same domain and unit: (x − median) / (1.4826 × MAD); over 1.2533 × the mean absolute
      deviation when the MAD is 0, and 0 when the whole group is equal; NULL when fewer than 5 projects of
      the group have a value or this one has none.
--- */
-- Robust z-scores against the project's peers. Peers are the cross-section of the dataset (every project
-- of the group, itself included), not only earlier ones: a running median/MAD has no linear form that both
-- engines share, and these measures read no outcome or label. Median is exact (interpolated between the
-- two middle values) on both engines: DuckDB median() and Spark MEDIAN(). A MAD of 0 (more than half the
-- group on one value, common for counts and planned durations) falls back to the mean absolute deviation
-- from the median scaled by 1.2533 (= sqrt(pi/2), the normal-consistent factor), as in Iglewicz and
-- Hoaglin's modified z-score; when that is 0 too, the whole group is equal and the z-score is 0.
WITH main AS (
    SELECT project_id, sum(amount) AS main_amount
    FROM contracts
    WHERE coalesce(kind, 'main') = 'main'
    GROUP BY project_id
),
awards AS (
    SELECT project_id, sum(award_price) / nullif(sum(ceiling_price), 0) AS award_over_ceiling
    FROM tenders
    WHERE award_price IS NOT NULL AND ceiling_price IS NOT NULL
    GROUP BY project_id
),
changes AS (
    SELECT project_id, sum(amount) AS change_amount
    FROM approvals
    WHERE node = 'C17' AND action = 'approve'
    GROUP BY project_id
),
base AS (
    SELECT
        p.project_id,
        p.domain,
        p.category,
        p.unit_id,
        CAST(p.budget_amount AS DOUBLE) AS budget,
        m.main_amount / nullif(p.budget_amount, 0) AS contract_over_budget,
        a.award_over_ceiling AS award_over_ceiling,
        CAST(date_diff('day', p.planned_start, p.planned_end) AS DOUBLE) AS planned_days,
        t.trail_days AS trail_days,
        CAST(t.n_approvals AS DOUBLE) AS approvals,
        coalesce(c.change_amount, 0) / nullif(m.main_amount, 0) AS change_over_contract
    FROM projects p
    LEFT JOIN main m ON m.project_id = p.project_id
    LEFT JOIN awards a ON a.project_id = p.project_id
    LEFT JOIN changes c ON c.project_id = p.project_id
    LEFT JOIN feat_project_trail t ON t.project_id = p.project_id
),
measured AS (
    SELECT project_id, domain, category, unit_id, 'budget' AS measure, budget AS x FROM base WHERE budget IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'contract_over_budget' AS measure, contract_over_budget AS x FROM base WHERE contract_over_budget IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'award_over_ceiling' AS measure, award_over_ceiling AS x FROM base WHERE award_over_ceiling IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'planned_days' AS measure, planned_days AS x FROM base WHERE planned_days IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'trail_days' AS measure, trail_days AS x FROM base WHERE trail_days IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'approvals' AS measure, approvals AS x FROM base WHERE approvals IS NOT NULL
    UNION ALL
    SELECT project_id, domain, category, unit_id, 'change_over_contract' AS measure, change_over_contract AS x FROM base WHERE change_over_contract IS NOT NULL
),
grouped AS (
    SELECT project_id, 'cat' AS peer_group, domain, category AS peer_key, measure, x
    FROM measured
    WHERE category IS NOT NULL
    UNION ALL
    SELECT project_id, 'unit' AS peer_group, domain, unit_id AS peer_key, measure, x
    FROM measured
),
centre AS (
    SELECT peer_group, domain, peer_key, measure, median(x) AS med, count(*) AS n
    FROM grouped
    GROUP BY peer_group, domain, peer_key, measure
),
spread AS (
    SELECT g.peer_group, g.domain, g.peer_key, g.measure,
           median(abs(g.x - c.med)) AS mad, avg(abs(g.x - c.med)) AS mean_ad
    FROM grouped g
    JOIN centre c
        ON c.peer_group = g.peer_group AND c.domain = g.domain AND c.peer_key = g.peer_key AND c.measure = g.measure
    WHERE c.n >= 5
    GROUP BY g.peer_group, g.domain, g.peer_key, g.measure
),
z AS (
    SELECT
        g.project_id,
        g.peer_group,
        g.measure,
        CASE WHEN s.mad > 0 THEN (g.x - c.med) / (1.4826 * s.mad)
             WHEN s.mean_ad > 0 THEN (g.x - c.med) / (1.2533 * s.mean_ad)
             ELSE 0.0 END AS z
    FROM grouped g
    JOIN centre c
        ON c.peer_group = g.peer_group AND c.domain = g.domain AND c.peer_key = g.peer_key AND c.measure = g.measure
    JOIN spread s
        ON s.peer_group = g.peer_group AND s.domain = g.domain AND s.peer_key = g.peer_key AND s.measure = g.measure
)
SELECT
    p.project_id,
    max(CASE WHEN z.measure = 'budget' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_budget_cat,
    max(CASE WHEN z.measure = 'budget' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_budget_unit,
    max(CASE WHEN z.measure = 'contract_over_budget' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_contract_over_budget_cat,
    max(CASE WHEN z.measure = 'contract_over_budget' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_contract_over_budget_unit,
    max(CASE WHEN z.measure = 'award_over_ceiling' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_award_over_ceiling_cat,
    max(CASE WHEN z.measure = 'award_over_ceiling' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_award_over_ceiling_unit,
    max(CASE WHEN z.measure = 'planned_days' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_planned_days_cat,
    max(CASE WHEN z.measure = 'planned_days' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_planned_days_unit,
    max(CASE WHEN z.measure = 'trail_days' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_trail_days_cat,
    max(CASE WHEN z.measure = 'trail_days' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_trail_days_unit,
    max(CASE WHEN z.measure = 'approvals' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_approvals_cat,
    max(CASE WHEN z.measure = 'approvals' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_approvals_unit,
    max(CASE WHEN z.measure = 'change_over_contract' AND z.peer_group = 'cat' THEN z.z END) AS peer_z_change_over_contract_cat,
    max(CASE WHEN z.measure = 'change_over_contract' AND z.peer_group = 'unit' THEN z.z END) AS peer_z_change_over_contract_unit
FROM projects p
LEFT JOIN z ON z.project_id = p.project_id
GROUP BY p.project_id
