/* ---
entity: tender
family: staff_certificates
requires: [tenders, bids, certificates]
features:
  - name: bids_staff_certified_elsewhere
    type: int
    zh: 关键人员证书注册在他处的投标数
    en: bids with key staff certified elsewhere
    meaning_zh: 关键人员在投标日有效的执业证书都注册在另一家单位、没有一张注册在投标人名下的投标数。
    meaning_en: >
      Bids naming a key person whose certificates valid on the bid day are all registered with another
      company and none with the bidder.
  - name: winner_staff_certified_elsewhere
    type: bool
    zh: 中标人关键人员证书在他处
    en: winner's key staff certified elsewhere
    meaning_zh: 中标人的投标中有关键人员证书注册在他处；无中标人或中标人投标未列关键人员时为空。
    meaning_en: A key person on the winner's bid holds certificates registered only elsewhere; NULL without a winner or named staff.
--- */
-- as in tender_staff_insured.sql: certified elsewhere (inner join) and not with the bidder (anti join)
WITH elsewhere AS (
    SELECT DISTINCT s.bid_id, s.tender_id, s.is_winner
    FROM bid_staff s
    JOIN certificates other
        ON other.person_id = s.person_id
        AND other.registered_company_id <> s.company_id
        AND (s.bid_day IS NULL OR other.valid_from IS NULL OR other.valid_from <= s.bid_day)
        AND (s.bid_day IS NULL OR other.valid_to IS NULL OR other.valid_to >= s.bid_day)
    LEFT JOIN certificates own
        ON own.person_id = s.person_id
        AND own.registered_company_id = s.company_id
        AND (s.bid_day IS NULL OR own.valid_from IS NULL OR own.valid_from <= s.bid_day)
        AND (s.bid_day IS NULL OR own.valid_to IS NULL OR own.valid_to >= s.bid_day)
    WHERE own.person_id IS NULL
),
agg AS (
    SELECT tender_id, count(*) AS n, max(CASE WHEN is_winner THEN 1 ELSE 0 END) AS winner_elsewhere
    FROM elsewhere
    GROUP BY tender_id
),
winners AS (
    SELECT DISTINCT tender_id FROM bid_staff WHERE is_winner
)
SELECT
    t.tender_id,
    coalesce(a.n, 0) AS bids_staff_certified_elsewhere,
    CASE WHEN w.tender_id IS NOT NULL THEN coalesce(a.winner_elsewhere = 1, FALSE) END
        AS winner_staff_certified_elsewhere
FROM tenders t
LEFT JOIN agg a ON a.tender_id = t.tender_id
LEFT JOIN winners w ON w.tender_id = t.tender_id
