/* ---
entity: project
family: trail
requires: [approvals]
meaning_en: the dataset's as-of time (its last approval event); "so far" is measured to it, not to the run date
meaning_zh: 数据截止时点（最后一条审批轨迹的时间），“至今”按此计算而不是按运行日期
--- */
SELECT max(occurred_at) AS as_of FROM approvals
