/* ---
entity: tender
family: staff_insurance
requires: [tenders, bids, social_insurance]
features:
  - name: bids_staff_insured_elsewhere
    type: int
    zh: 关键人员社保在他处的投标数
    en: bids with key staff insured elsewhere
    meaning_zh: 投标月份该投标人未给其关键人员缴社保、而由另一家单位缴纳的投标数（疑似挂证、借资质）。
    meaning_en: >
      Bids naming a key person whose social insurance in the bid month was paid by another company and
      not by the bidder (a sign of borrowed qualifications).
  - name: winner_staff_insured_elsewhere
    type: bool
    zh: 中标人关键人员社保在他处
    en: winner's key staff insured elsewhere
    meaning_zh: 中标人的投标中有关键人员社保由他处缴纳；无中标人或中标人投标未列关键人员时为空。
    meaning_en: A key person on the winner's bid was insured elsewhere that month; NULL without a winner or without named staff.
--- */
-- staff rows paid by another company that month (inner join) and not by the bidder (anti join): no
-- grouping per staff row, so only the few flagged bids are aggregated
WITH elsewhere AS (
    SELECT DISTINCT s.bid_id, s.tender_id, s.is_winner
    FROM bid_staff s
    JOIN social_insurance other
        ON other.person_id = s.person_id AND other.month = s.bid_month AND other.company_id <> s.company_id
    LEFT JOIN social_insurance own
        ON own.person_id = s.person_id AND own.month = s.bid_month AND own.company_id = s.company_id
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
    coalesce(a.n, 0) AS bids_staff_insured_elsewhere,
    CASE WHEN w.tender_id IS NOT NULL THEN coalesce(a.winner_elsewhere = 1, FALSE) END
        AS winner_staff_insured_elsewhere
FROM tenders t
LEFT JOIN agg a ON a.tender_id = t.tender_id
LEFT JOIN winners w ON w.tender_id = t.tender_id
