/* ---
entity: tender
family: bidding
requires: [companies]
meaning_en: each tender's bidding companies with their registry facts
meaning_zh: 每个招标的投标企业及其登记信息
--- */
SELECT DISTINCT
    f.tender_id,
    f.project_id,
    f.company_id,
    f.bid_date,
    c.legal_rep_id,
    nullif(trim(c.phone), '') AS phone,
    nullif(trim(c.address), '') AS address,
    nullif(lower(trim(c.email)), '') AS email,
    c.registered_at,
    c.blacklisted_until
FROM bid_facts f
JOIN companies c USING (company_id)
WHERE coalesce(f.status, 'valid') <> 'withdrawn'
