/* ---
entity: tender
family: owner_links
requires: [tenders, bids, company_people]
features:
  - name: bidders_sharing_owner
    type: int
    zh: 同一实际控制人投标人数
    en: bidders sharing an owner
    meaning_zh: 与另一投标人有同一名法定代表人、股东或董事（owner_roles）的投标人数。
    meaning_en: Bidders with a legal representative, shareholder or director (owner_roles) who also holds such a role in another bidder.
  - name: winner_shares_owner
    type: bool
    zh: 中标人与其他投标人同控制人
    en: winner shares an owner with a bidder
    meaning_zh: 中标人与另一投标人有共同的法定代表人、股东或董事；无中标人时为空。
    meaning_en: The winner has an owner in common with another bidder; NULL without a winner.
--- */
-- company pairs with a common owner first (over company_people), then looked up among each tender's bidders
WITH owners AS (
    SELECT DISTINCT company_id, person_id
    FROM company_people
    WHERE position(',' || role || ',' IN ',' || {{ owner_roles }} || ',') > 0
),
company_pairs AS (
    SELECT DISTINCT x.company_id AS c1, y.company_id AS c2
    FROM owners x
    JOIN owners y ON x.person_id = y.person_id AND x.company_id < y.company_id
),
b AS (
    SELECT tender_id, company_id
    FROM bids
    WHERE coalesce(status, 'valid') <> 'withdrawn'
),
pairs AS (
    SELECT DISTINCT b1.tender_id, cp.c1, cp.c2
    FROM company_pairs cp
    JOIN b b1 ON b1.company_id = cp.c1
    JOIN b b2 ON b2.company_id = cp.c2 AND b2.tender_id = b1.tender_id
),
sides AS (
    SELECT tender_id, c1 AS company_id FROM pairs
    UNION
    SELECT tender_id, c2 AS company_id FROM pairs
),
agg AS (
    SELECT s.tender_id, count(*) AS bidders_sharing_owner,
           max(CASE WHEN s.company_id = t.winner_company_id THEN 1 ELSE 0 END) AS winner_in
    FROM sides s
    JOIN tenders t ON t.tender_id = s.tender_id
    GROUP BY s.tender_id
)
SELECT
    t.tender_id,
    coalesce(a.bidders_sharing_owner, 0) AS bidders_sharing_owner,
    CASE WHEN t.winner_company_id IS NOT NULL THEN coalesce(a.winner_in = 1, FALSE) END AS winner_shares_owner
FROM tenders t
LEFT JOIN agg a ON a.tender_id = t.tender_id
