/* ---
purpose: a project's tenders with the number of bids and the winner's name
params: [project_id]
--- */
SELECT
    t.tender_id, t.method, t.announced_at, t.opened_at, t.awarded_at, t.ceiling_price, t.award_price,
    t.winner_company_id, c.name AS winner_name,
    (SELECT count(*) FROM bids b WHERE b.tender_id = t.tender_id) AS bid_count
FROM tenders t
LEFT JOIN companies c ON c.company_id = t.winner_company_id
WHERE t.project_id = $project_id
ORDER BY t.announced_at, t.tender_id
