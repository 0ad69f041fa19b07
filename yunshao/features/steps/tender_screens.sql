/* ---
entity: tender
family: bidding
requires: [tenders, bids]
meaning_en: >
  The price screens of each tender (n_bids, cv, spread, diffp, rd, kurtosis, skewness, ks) over the
  valid priced bids of screen_bids. The OCDS indicators run the same query over OCDS bids.
meaning_zh: 每个招标的报价统计筛查（变异系数、极差、最低两价差、相对距离、峰度、偏度、KS），OCDS 指标复用同一查询。
--- */
-- Bid-rigging screens, one row per tender (围标串标统计筛查，每个招标一行).
--
-- Input: a view screen_bids(tender_id VARCHAR, company_id VARCHAR, price DOUBLE, is_winner BOOLEAN).
-- Rows with a NULL tender_id or price are ignored. Bids are ranked by price, lowest first:
-- b1 ≤ b2 ≤ … ≤ bn. Following Imhof (2017) and Huber & Imhof (2019), the lowest bid is the presumptive
-- winning bid and the others are the losing bids; the winner flag is not used by the price screens.
-- s is the sample standard deviation (n − 1 denominator). A screen is NULL where it is undefined.
--
--   n_bids    n, the number of bids with a price
--   cv        s / mean                                            n ≥ 2, mean ≠ 0
--   spread    (bn − b1) / b1                                      n ≥ 2, b1 ≠ 0
--   diffp     (b2 − b1) / b1                                      n ≥ 2, b1 ≠ 0
--   rd        (b2 − b1) / s_losing, s_losing = s of b2 … bn       n ≥ 3, s_losing > 0
--   kurtosis  bias-corrected excess kurtosis (Fisher), i.e. scipy.stats.kurtosis(fisher=True, bias=False)
--                                                                 n ≥ 4, s > 0
--   skewness  bias-corrected skewness, i.e. scipy.stats.skew(bias=False)
--                                                                 n ≥ 3, s > 0
--   ks        one-sample two-sided Kolmogorov–Smirnov statistic of the bids against the uniform
--             distribution on [b1, bn]: with F(x) = (x − b1) / (bn − b1),
--             ks = max over i of max(i/n − F(b_i), F(b_i) − (i − 1)/n),
--             i.e. scipy.stats.kstest(bids, "uniform", args=(b1, bn − b1)).statistic.
--             Location- and scale-free, so it equals the statistic of the bids standardised by their
--             standard deviation (Huber & Imhof 2019).                n ≥ 3, bn > b1
WITH ranked AS (
    SELECT
        tender_id,
        price,
        row_number() OVER (PARTITION BY tender_id ORDER BY price) AS i,
        count(*) OVER (PARTITION BY tender_id) AS n
    FROM screen_bids
    WHERE tender_id IS NOT NULL AND price IS NOT NULL
),
per_tender AS (
    SELECT
        tender_id,
        count(*) AS n_bids,
        avg(price) AS mean_price,
        stddev_samp(price) AS s,
        min(price) AS b1,
        max(price) FILTER (WHERE i = 2) AS b2,
        max(price) AS bn,
        stddev_samp(price) FILTER (WHERE i >= 2) AS s_losing,
        kurtosis(price) AS kurt,
        skewness(price) AS skew
    FROM ranked
    GROUP BY tender_id
),
ks AS (
    SELECT
        r.tender_id,
        max(greatest(
            CAST(r.i AS DOUBLE) / r.n - (r.price - t.b1) / (t.bn - t.b1),
            (r.price - t.b1) / (t.bn - t.b1) - CAST(r.i - 1 AS DOUBLE) / r.n
        )) AS ks
    FROM ranked AS r
    JOIN per_tender AS t USING (tender_id)
    WHERE t.n_bids >= 3 AND t.bn > t.b1
    GROUP BY r.tender_id
)
SELECT
    t.tender_id,
    CAST(t.n_bids AS INTEGER) AS n_bids,
    CASE WHEN t.n_bids >= 2 THEN t.s / nullif(t.mean_price, 0) END AS cv,
    CASE WHEN t.n_bids >= 2 THEN (t.bn - t.b1) / nullif(t.b1, 0) END AS spread,
    CASE WHEN t.n_bids >= 2 THEN (t.b2 - t.b1) / nullif(t.b1, 0) END AS diffp,
    CASE WHEN t.n_bids >= 3 THEN (t.b2 - t.b1) / nullif(t.s_losing, 0) END AS rd,
    CASE WHEN t.n_bids >= 4 AND t.s > 0 THEN t.kurt END AS kurtosis,
    CASE WHEN t.n_bids >= 3 AND t.s > 0 THEN t.skew END AS skewness,
    k.ks
FROM per_tender AS t
LEFT JOIN ks AS k USING (tender_id)
ORDER BY t.tender_id
