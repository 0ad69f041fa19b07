/* ---
entity: project
family: people
requires: [approvals]
meaning_en: each project's approvers, with the nodes they approved, their first post and first approval
meaning_zh: 每个项目的审批人：批准过的节点、首个岗位、首次批准时间
--- */
SELECT
    project_id,
    person_id,
    arg_min(post_id, occurred_at) AS post_id,
    array_agg(DISTINCT node ORDER BY node) AS nodes,
    min(occurred_at) AS first_approved_at
FROM approvals
WHERE action = 'approve' AND person_id IS NOT NULL
GROUP BY project_id, person_id
