/* ---
entity: project
family: changes
requires: [projects, approvals]
features:
  - name: change_orders
    type: int
    zh: 变更签证次数
    en: change orders
    meaning_zh: 变更/签证节点（C17）审批通过的次数。
    meaning_en: Number of approve events at the change-order node (C17).
  - name: change_amount_ratio
    type: float
    zh: 变更金额占预算比
    en: change amount over budget
    meaning_zh: 变更/签证（C17）审批通过金额之和除以项目预算；无预算时为空。
    meaning_en: Sum of the approved change-order (C17) amounts over the project budget; NULL without a budget.
--- */
WITH c AS (
    SELECT project_id, count(*) AS n_approve, sum(amount) AS approved_amount
    FROM approvals
    WHERE node = 'C17' AND action = 'approve'
    GROUP BY project_id
)
SELECT
    p.project_id,
    coalesce(c.n_approve, 0) AS change_orders,
    coalesce(c.approved_amount, 0) / nullif(p.budget_amount, 0) AS change_amount_ratio
FROM projects p
LEFT JOIN c ON c.project_id = p.project_id
