/* ---
entity: project
family: contracts
requires: [projects, contracts]
features:
  - name: n_contracts
    type: int
    zh: 合同数
    en: contracts
    meaning_zh: 该项目的合同数（含补充协议）。
    meaning_en: Number of contracts of the project, supplements included.
  - name: contract_over_budget
    type: float
    zh: 合同额与预算比
    en: contract amount over budget
    meaning_zh: 主合同金额之和除以项目预算；无预算或无主合同时为空。
    meaning_en: Sum of the main contracts' amounts over the project budget; NULL without a budget or a main contract.
  - name: supplement_ratio
    type: float
    zh: 补充协议金额比
    en: supplement amount ratio
    meaning_zh: 补充协议金额之和除以主合同金额之和；无主合同时为空。
    meaning_en: Sum of the supplement contracts' amounts over the main contracts'; NULL without a main contract.
  - name: n_supplements
    type: int
    zh: 补充协议数
    en: supplement contracts
    meaning_zh: 补充协议（supplement）份数。
    meaning_en: Number of supplement contracts.
  - name: change_over_contract
    type: float
    zh: 变更金额与合同比
    en: change orders over contract
    meaning_zh: 变更/签证（C17）审批通过金额之和除以主合同金额之和；无主合同时为空。
    meaning_en: Sum of the approved change-order (C17) amounts over the main contracts' amounts; NULL without a main contract.
  - name: contract_before_initiation
    type: bool
    zh: 先签约后立项
    en: contract before initiation
    meaning_zh: 工程建设项目最早的合同签订早于立项批复（C04）首次审批通过，或签约时从未立项；其他领域或无签订时间时为空。
    meaning_en: >
      A construction project's earliest contract was signed before the first approval of the initiation
      (C04), or without one; NULL for other domains or without a signing time.
--- */
WITH c AS (
    SELECT
        project_id,
        count(*) AS n_contracts,
        sum(CASE WHEN coalesce(kind, 'main') = 'main' THEN amount END) AS main_amount,
        sum(CASE WHEN kind = 'supplement' THEN amount ELSE 0 END) AS supplement_amount,
        sum(CASE WHEN kind = 'supplement' THEN 1 ELSE 0 END) AS n_supplements,
        min(signed_at) AS first_signed
    FROM contracts
    GROUP BY project_id
),
changes AS (
    SELECT project_id, sum(amount) AS change_amount
    FROM approvals
    WHERE node = 'C17' AND action = 'approve'
    GROUP BY project_id
),
c04 AS (
    SELECT project_id, first_approve
    FROM node_times
    WHERE node = 'C04'
)
SELECT
    p.project_id,
    coalesce(c.n_contracts, 0) AS n_contracts,
    c.main_amount / nullif(p.budget_amount, 0) AS contract_over_budget,
    c.supplement_amount / nullif(c.main_amount, 0) AS supplement_ratio,
    coalesce(c.n_supplements, 0) AS n_supplements,
    coalesce(ch.change_amount, 0) / nullif(c.main_amount, 0) AS change_over_contract,
    CASE WHEN p.domain = 'construction' AND c.first_signed IS NOT NULL THEN
        coalesce(c.first_signed < c04.first_approve, TRUE)
    END AS contract_before_initiation
FROM projects p
LEFT JOIN c ON c.project_id = p.project_id
LEFT JOIN changes ch ON ch.project_id = p.project_id
LEFT JOIN c04 ON c04.project_id = p.project_id
