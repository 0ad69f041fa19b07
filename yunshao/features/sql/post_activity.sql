/* ---
entity: post
family: activity
requires: [approvals]
optional: [posts]
features:
  - name: post_projects
    type: int
    zh: 经手项目数
    en: projects approved
    meaning_zh: 在任者以该岗位身份审批通过过的不同项目数。
    meaning_en: Projects in which a holder of the post approved something while holding it.
  - name: post_approvals
    type: int
    zh: 审批次数
    en: approvals
    meaning_zh: 以该岗位身份完成的审批通过事件数。
    meaning_en: Approve events done under the post.
  - name: post_holders
    type: int
    zh: 审批在任者人数
    en: approving holders
    meaning_zh: 以该岗位身份做过审批的不同人数。
    meaning_en: Different people who approved under the post.
  - name: approvals_per_month
    type: float
    zh: 月均审批数
    en: approvals per month
    meaning_zh: 审批次数除以首末审批之间的月数（含首末月）。
    meaning_en: Approvals over the number of calendar months from the first to the last approval, both included.
  - name: post_night_share
    type: float
    zh: 夜间审批占比
    en: night approval share
    meaning_zh: 以该岗位身份在夜间完成的审批占比。
    meaning_en: Share of the post's approvals done at night.
  - name: post_weekend_share
    type: float
    zh: 周末审批占比
    en: weekend approval share
    meaning_zh: 以该岗位身份在周六、周日完成的审批占比。
    meaning_en: Share of the post's approvals done on a Saturday or Sunday.
  - name: post_offline_share
    type: float
    zh: 线下审批占比
    en: offline approval share
    meaning_zh: 渠道已知的审批中线下办理的占比。
    meaning_en: Share of the post's approvals with a known channel that were done offline.
--- */
WITH agg AS (
    SELECT
        post_id,
        count(*) AS post_projects,
        sum(n_approvals) AS post_approvals,
        min(first_at) AS first_at,
        max(last_at) AS last_at,
        sum(n_night) AS night,
        sum(n_weekend) AS weekend,
        sum(n_offline) AS offline,
        sum(n_with_channel) AS with_channel
    FROM post_project_pairs
    GROUP BY post_id
),
holders AS (
    SELECT post_id, count(DISTINCT person_id) AS post_holders
    FROM approver_posts
    WHERE post_id IS NOT NULL
    GROUP BY post_id
),
keys AS (
    SELECT post_id FROM posts
    UNION
    SELECT post_id FROM agg
)
SELECT
    k.post_id,
    coalesce(a.post_projects, 0) AS post_projects,
    coalesce(a.post_approvals, 0) AS post_approvals,
    coalesce(h.post_holders, 0) AS post_holders,
    a.post_approvals / (date_diff('month', a.first_at, a.last_at) + 1.0) AS approvals_per_month,
    a.night / nullif(a.post_approvals, 0) AS post_night_share,
    a.weekend / nullif(a.post_approvals, 0) AS post_weekend_share,
    a.offline / nullif(a.with_channel, 0) AS post_offline_share
FROM keys k
LEFT JOIN agg a ON a.post_id = k.post_id
LEFT JOIN holders h ON h.post_id = k.post_id
