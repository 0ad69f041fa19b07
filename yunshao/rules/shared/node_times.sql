/* ---
requires: [approvals]
zh: 每个项目每个节点首次提交、首次批准的时间
en: per project and node, the first submission and the first approval
--- */
SELECT
    project_id,
    node,
    min(CASE WHEN action = 'submit' THEN occurred_at END) AS first_submit,
    min(CASE WHEN action = 'approve' THEN occurred_at END) AS first_approve,
    max(CASE WHEN action = 'approve' THEN occurred_at END) AS last_approve,
    count(*) FILTER (WHERE action = 'approve') AS approvals
FROM approvals
GROUP BY project_id, node
