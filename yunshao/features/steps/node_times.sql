/* ---
entity: project
family: trail
requires: [approvals]
meaning_en: >
  One row per project and node: when the node was first reached, first submitted, first and last
  approved, how many approvals it had, and who first submitted and first approved it. The trail,
  sequence and payment features and the sequence rules read this instead of passing over the events again.
meaning_zh: 每个项目每个节点一行：首次到达、首次提交、首次与末次审批时间、审批次数，以及首位提交人与首位审批人。
--- */
SELECT
    project_id,
    node,
    min(occurred_at) AS first_at,
    min(CASE WHEN action = 'submit' THEN occurred_at END) AS first_submit,
    min(CASE WHEN action = 'approve' THEN occurred_at END) AS first_approve,
    max(CASE WHEN action = 'approve' THEN occurred_at END) AS last_approve,
    count(*) FILTER (WHERE action = 'approve') AS approvals,
    arg_min(person_id, occurred_at) FILTER (WHERE action = 'submit') AS first_submitter,
    arg_min(person_id, occurred_at) FILTER (WHERE action = 'approve') AS first_approver
FROM approvals
GROUP BY project_id, node
