/* ---
entity: project
family: payment_timing
requires: [projects, payments]
features:
  - name: paid_before_permit
    type: bool
    zh: 未取得施工许可先付款
    en: paid before the construction permit
    meaning_zh: 工程建设项目最早一笔付款早于施工许可（C15）首次审批通过，或付款时从未取得许可；其他领域或无付款时为空。
    meaning_en: >
      A construction project's first payment was made before the first approval of the construction
      permit (C15), or without one; NULL for other domains or without payments.
  - name: days_paid_before_permit
    type: float
    zh: 先于施工许可付款天数
    en: days paid before the permit
    meaning_zh: 施工许可首次审批通过时间减最早付款时间（天）；正数表示先付款。
    meaning_en: Days from the first payment to the first approval of the construction permit (positive when paid first).
--- */
WITH pay AS (
    SELECT project_id, min(paid_at) AS first_paid
    FROM payments
    GROUP BY project_id
),
c15 AS (
    SELECT project_id, first_approve
    FROM node_times
    WHERE node = 'C15'
)
SELECT
    p.project_id,
    CASE WHEN p.domain = 'construction' AND pay.first_paid IS NOT NULL THEN
        coalesce(pay.first_paid < c15.first_approve, TRUE)
    END AS paid_before_permit,
    CASE WHEN p.domain = 'construction' THEN
        date_diff('second', pay.first_paid, c15.first_approve) / 86400.0
    END AS days_paid_before_permit
FROM projects p
LEFT JOIN pay ON pay.project_id = p.project_id
LEFT JOIN c15 ON c15.project_id = p.project_id
