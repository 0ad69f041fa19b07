/* ---
entity: project
family: trail
kind: step
requires: [projects, approvals]
meaning_en: >
  One row per project and node: when the node was first reached and first approved, and who first
  submitted and first approved it. The trail and sequence features read this instead of passing over
  the events again.
meaning_zh: 每个项目每个节点一行：首次到达与首次审批时间、首位提交人与首位审批人。
--- */
SELECT
    project_id,
    node,
    min(occurred_at) AS first_at,
    min(CASE WHEN action = 'approve' THEN occurred_at END) AS first_approve_at,
    arg_min(person_id, occurred_at) FILTER (WHERE action = 'submit') AS first_submitter,
    arg_min(person_id, occurred_at) FILTER (WHERE action = 'approve') AS first_approver
FROM approvals
GROUP BY project_id, node
