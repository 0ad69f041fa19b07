/* ---
entity: tender
family: bidding
requires: [tenders, bids]
features:
  - name: n_bids
    type: int
    zh: 投标数
    en: bids
    meaning_zh: 该次招标收到的投标总数（含无效、撤回）。
    meaning_en: All bids received by the tender, including disqualified and withdrawn ones.
  - name: n_valid_bids
    type: int
    zh: 有效投标数
    en: valid bids
    meaning_zh: 状态为有效（或未标注）且有报价的投标数。
    meaning_en: Bids whose status is valid (or not given) and that have a price.
  - name: n_disqualified
    type: int
    zh: 废标数
    en: disqualified bids
    meaning_zh: 状态为无效（disqualified）的投标数。
    meaning_en: Bids with status disqualified.
  - name: noncompetitive_method
    type: bool
    zh: 非竞争方式
    en: non-competitive method
    meaning_zh: 采购方式为单一来源或直接发包。
    meaning_en: The method is single source or direct award.
  - name: winner_price_ratio
    type: float
    zh: 中标价与最高限价比
    en: award price over ceiling
    meaning_zh: 中标价（缺失时取中标人报价）除以最高限价；无限价时为空。接近1说明几乎没有让利。
    meaning_en: >
      Award price (the winner's bid when not given) over the ceiling price; NULL without a ceiling.
      Close to 1 means hardly any discount.
  - name: winner_is_lowest
    type: bool
    zh: 最低价中标
    en: lowest bid won
    meaning_zh: 中标人的报价是有效投标中的最低价；无中标人或中标人无有效投标时为空。
    meaning_en: The winner's price is the lowest valid bid; NULL when there is no winner or no valid bid of the winner.
  - name: price_ladder
    type: bool
    zh: 阶梯报价
    en: price ladder
    meaning_zh: 至少3家有效报价各不相同，且排序后相邻报价之差都不超过最低价的 ladder_step_pct。
    meaning_en: >
      At least three distinct valid prices whose consecutive differences, in sorted order, are all within
      ladder_step_pct of the lowest price.
  - name: identical_prices
    type: int
    zh: 报价雷同数
    en: identical prices
    meaning_zh: 报价与另一家有效投标完全相同的有效投标数。
    meaning_en: Valid bids whose price equals another valid bid's price.
  - name: min_submit_gap_minutes
    type: float
    zh: 最短递交间隔分钟
    en: shortest gap between submissions (minutes)
    meaning_zh: 不同投标人相邻两次递交投标之间的最短分钟数。
    meaning_en: Shortest time in minutes between two consecutive bid submissions.
  - name: days_announce_to_deadline
    type: float
    zh: 公告至截标天数
    en: days from announcement to bid deadline
    meaning_zh: 招标公告至投标截止之间的天数。
    meaning_en: Days from the tender announcement to the bid deadline.
--- */
WITH b AS (
    SELECT
        b.tender_id,
        b.company_id,
        b.price,
        b.submitted_at,
        coalesce(b.status, 'valid') = 'valid' AND b.price IS NOT NULL AS is_valid,
        b.status = 'disqualified' AS is_disqualified
    FROM bids b
),
-- one ordered pass over the valid prices: the next price (ladder steps) and equal neighbours (identical)
v AS (
    SELECT
        tender_id,
        company_id,
        price,
        lead(price) OVER w AS next_price,
        lag(price) OVER w AS prev_price
    FROM b
    WHERE is_valid
    WINDOW w AS (PARTITION BY tender_id ORDER BY price)
),
vagg AS (
    SELECT
        tender_id,
        min(price) AS min_price,
        count(DISTINCT price) AS n_prices,
        max(next_price - price) AS max_gap,
        sum(CASE WHEN price = next_price OR price = prev_price THEN 1 ELSE 0 END) AS identical_prices
    FROM v
    GROUP BY tender_id
),
s AS (
    SELECT
        tender_id,
        min(date_diff('second', prev_at, submitted_at) / 60.0) AS min_submit_gap_minutes
    FROM (
        SELECT tender_id, submitted_at, lag(submitted_at) OVER (PARTITION BY tender_id ORDER BY submitted_at) AS prev_at
        FROM b
        WHERE submitted_at IS NOT NULL
    ) x
    GROUP BY tender_id
),
counts AS (
    SELECT
        tender_id,
        count(*) AS n_bids,
        sum(CASE WHEN is_valid THEN 1 ELSE 0 END) AS n_valid_bids,
        sum(CASE WHEN is_disqualified THEN 1 ELSE 0 END) AS n_disqualified
    FROM b
    GROUP BY tender_id
),
winner AS (
    SELECT t.tender_id, min(v.price) AS winner_price
    FROM tenders t
    JOIN v ON v.tender_id = t.tender_id AND v.company_id = t.winner_company_id
    GROUP BY t.tender_id
)
SELECT
    t.tender_id,
    coalesce(c.n_bids, 0) AS n_bids,
    coalesce(c.n_valid_bids, 0) AS n_valid_bids,
    coalesce(c.n_disqualified, 0) AS n_disqualified,
    t.method IN ('single_source', 'direct_award') AS noncompetitive_method,
    coalesce(t.award_price, w.winner_price) / nullif(t.ceiling_price, 0) AS winner_price_ratio,
    CASE WHEN w.winner_price IS NOT NULL THEN w.winner_price <= vagg.min_price END AS winner_is_lowest,
    coalesce(vagg.n_prices >= 3 AND vagg.max_gap <= {{ ladder_step_pct }} * vagg.min_price, FALSE) AS price_ladder,
    coalesce(vagg.identical_prices, 0) AS identical_prices,
    s.min_submit_gap_minutes,
    date_diff('second', t.announced_at, t.bid_deadline) / 86400.0 AS days_announce_to_deadline
FROM tenders t
LEFT JOIN counts c ON c.tender_id = t.tender_id
LEFT JOIN vagg ON vagg.tender_id = t.tender_id
LEFT JOIN s ON s.tender_id = t.tender_id
LEFT JOIN winner w ON w.tender_id = t.tender_id
