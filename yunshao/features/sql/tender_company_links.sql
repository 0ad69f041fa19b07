/* ---
entity: tender
family: company_links
requires: [tenders, bids, companies]
features:
  - name: bidders_sharing_legal_rep
    type: int
    zh: 同一法定代表人投标人数
    en: bidders sharing a legal representative
    meaning_zh: 与另一投标人法定代表人相同的投标人数。
    meaning_en: Bidders whose legal representative is also another bidder's.
  - name: bidders_sharing_phone
    type: int
    zh: 同电话投标人数
    en: bidders sharing a phone
    meaning_zh: 与另一投标人登记电话相同的投标人数。
    meaning_en: Bidders whose registered phone number is also another bidder's.
  - name: bidders_sharing_address
    type: int
    zh: 同地址投标人数
    en: bidders sharing an address
    meaning_zh: 与另一投标人登记地址相同的投标人数（园区集中登记较常见，宜结合其他特征看）。
    meaning_en: Bidders whose registered address is also another bidder's (common in business parks; read with the other links).
--- */
-- normalised once per company, then one equi-join per attribute among each tender's bidders (company
-- pairs first would be larger: many firms of a business park share one address)
WITH c AS (
    SELECT
        company_id,
        legal_rep_id AS rep,
        nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS phone,
        nullif(lower(regexp_replace(address, '\s', '', 'g')), '') AS address
    FROM companies
),
b AS (
    SELECT bids.tender_id, bids.company_id, c.rep, c.phone, c.address
    FROM bids
    JOIN c ON c.company_id = bids.company_id
    WHERE coalesce(bids.status, 'valid') <> 'withdrawn'
),
shared AS (
    SELECT x.tender_id, x.company_id AS c1, y.company_id AS c2, 'rep' AS attr
    FROM b x JOIN b y ON x.tender_id = y.tender_id AND x.rep = y.rep AND x.company_id < y.company_id
    UNION ALL
    SELECT x.tender_id, x.company_id, y.company_id, 'phone'
    FROM b x JOIN b y ON x.tender_id = y.tender_id AND x.phone = y.phone AND x.company_id < y.company_id
    UNION ALL
    SELECT x.tender_id, x.company_id, y.company_id, 'address'
    FROM b x JOIN b y ON x.tender_id = y.tender_id AND x.address = y.address AND x.company_id < y.company_id
),
sides AS (
    SELECT tender_id, c1 AS company_id, attr FROM shared
    UNION ALL
    SELECT tender_id, c2 AS company_id, attr FROM shared
),
agg AS (
    SELECT
        tender_id,
        count(DISTINCT CASE WHEN attr = 'rep' THEN company_id END) AS bidders_sharing_legal_rep,
        count(DISTINCT CASE WHEN attr = 'phone' THEN company_id END) AS bidders_sharing_phone,
        count(DISTINCT CASE WHEN attr = 'address' THEN company_id END) AS bidders_sharing_address
    FROM sides
    GROUP BY tender_id
)
SELECT
    t.tender_id,
    coalesce(a.bidders_sharing_legal_rep, 0) AS bidders_sharing_legal_rep,
    coalesce(a.bidders_sharing_phone, 0) AS bidders_sharing_phone,
    coalesce(a.bidders_sharing_address, 0) AS bidders_sharing_address
FROM tenders t
LEFT JOIN agg a ON a.tender_id = t.tender_id
