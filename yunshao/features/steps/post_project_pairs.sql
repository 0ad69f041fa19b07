/* ---
entity: post
family: activity
requires: [approvals]
meaning_en: >
  One row per post and project the post's holders approved something in, with the approval counts:
  what the post features aggregate (so the distinct post–project pairs are found once).
meaning_zh: 每个岗位与其在任者审批过的项目一行，附审批次数等；岗位特征都在此基础上汇总。
--- */
SELECT
    post_id,
    project_id,
    sum(n_approvals) AS n_approvals,
    sum(n_night) AS n_night,
    sum(n_weekend) AS n_weekend,
    sum(n_offline) AS n_offline,
    sum(n_with_channel) AS n_with_channel,
    min(first_at) AS first_at,
    max(last_at) AS last_at
FROM approver_posts
WHERE post_id IS NOT NULL
GROUP BY post_id, project_id
