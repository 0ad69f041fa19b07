/* ---
entity: tender
family: bidding
materialize: view
requires: [tenders, bids]
meaning_en: >
  The bids the price screens look at: valid bids (status valid or not given) with a price, the winner
  marked from tenders.winner_company_id. Read by the tender_screens step.
meaning_zh: 价格筛查所用的投标：有效（或未标注状态）且有报价的投标，按 tenders.winner_company_id 标记中标人。
--- */
SELECT
    b.tender_id,
    b.company_id,
    b.price,
    coalesce(b.company_id = t.winner_company_id, FALSE) AS is_winner
FROM bids b
JOIN tenders t ON t.tender_id = b.tender_id
WHERE coalesce(b.status, 'valid') = 'valid' AND b.price IS NOT NULL
