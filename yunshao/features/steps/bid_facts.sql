/* ---
entity: tender
family: bidding
requires: [bids, tenders]
meaning_en: bids with their tender, project, bid month and whether they won
meaning_zh: 投标明细（附招标、项目、投标月份、是否中标）
--- */
SELECT
    b.*,
    t.project_id,
    t.method,
    t.winner_company_id,
    t.announced_at,
    t.opened_at,
    t.awarded_at,
    t.ceiling_price,
    strftime(coalesce(b.submitted_at, t.opened_at, t.bid_deadline, t.announced_at), '%Y-%m') AS bid_month,
    CAST(coalesce(b.submitted_at, t.opened_at, t.bid_deadline, t.announced_at) AS DATE) AS bid_date,
    coalesce(b.company_id = t.winner_company_id, FALSE) AS is_winner
FROM bids b
JOIN tenders t USING (tender_id)
