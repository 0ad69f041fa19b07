/* ---
entity: tender
family: staff
requires: [tenders, bids]
meaning_en: >
  One row per bid and named key person (project manager, technical lead, safety lead), with the month
  and day the bid refers to (submission, else opening, deadline or announcement).
meaning_zh: 每条投标的每名关键人员（项目经理、技术负责人、安全负责人）一行，附投标所属日期与月份。
--- */
WITH staff AS (
    SELECT bid_id, tender_id, company_id, submitted_at, project_manager_id AS person_id FROM bids
    UNION ALL
    SELECT bid_id, tender_id, company_id, submitted_at, tech_lead_id FROM bids
    UNION ALL
    SELECT bid_id, tender_id, company_id, submitted_at, safety_lead_id FROM bids
)
SELECT
    s.bid_id,
    s.tender_id,
    s.company_id,
    s.person_id,
    CAST(coalesce(s.submitted_at, t.opened_at, t.bid_deadline, t.announced_at) AS DATE) AS bid_day,
    strftime(coalesce(s.submitted_at, t.opened_at, t.bid_deadline, t.announced_at), '%Y-%m') AS bid_month,
    s.company_id = t.winner_company_id AS is_winner
FROM staff s
JOIN tenders t ON t.tender_id = s.tender_id
WHERE s.person_id IS NOT NULL
