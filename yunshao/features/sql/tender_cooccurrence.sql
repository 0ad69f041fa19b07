/* ---
entity: tender
family: context
requires: [projects, approvals, tenders, bids]
features:
  - name: pair_prior_meetings_max
    type: int
    zh: 投标人两两既往同场次数（最大）
    en: prior meetings of a bidder pair (max)
    meaning_zh: >
      本次招标的投标人（任何状态的投标，按企业去重）两两组合，每对企业此前共同参加过的招标数，取最大值。
      "此前"指开标时间早于本招标所属项目的起始时间（且早于本次开标）；投标人不足两家或时间不明时为空。
    meaning_en: >
      For each pair of the tender's bidders (companies with a bid of any status): the tenders both had bid
      in before, the largest over the pairs. Before means opened before the start of the tender's project
      (and before this tender); NULL with fewer than two bidders or no known time.
  - name: pair_prior_meetings_mean
    type: float
    zh: 投标人两两既往同场次数（平均）
    en: prior meetings of a bidder pair (mean)
    meaning_zh: 上项在各投标人组合之间的平均值。
    meaning_en: The count above averaged over the bidder pairs.
  - name: winner_prior_beats
    type: int
    zh: 中标人既往胜过本场对手次数
    en: winner's prior wins over these rivals
    meaning_zh: >
      对本次中标人与每个其他投标人：此前两者同场且由本次中标人中标的招标数（以中标通知时间计），对各对手求和；
      中标人未投标或无其他投标人时为空。
    meaning_en: >
      For the winner and each other bidder: earlier tenders where both bid and this winner won (timed by the
      award), summed over the other bidders; NULL when the winner did not bid or bid alone.
  - name: winner_prior_beat_share
    type: float
    zh: 中标人既往同场胜率
    en: winner's prior share of meetings won
    meaning_zh: 上项除以中标人与各对手此前同场次数之和；此前从未同场时为空。
    meaning_en: The count above over the winner's prior meetings with these rivals summed; NULL when they had never met.
  - name: group_prior_winners
    type: int
    zh: 投标人轮流中标人数
    en: rotating winners in the group
    meaning_zh: >
      本次投标人中，此前至少一次在与本组另一家企业同场时中标的企业数（组内既往中标人数）：
      多家轮流中标提示围标轮换；投标人不足两家时为空。
    meaning_en: >
      Bidders of this tender that had won at least one earlier tender in which another of these bidders also
      bid: distinct winners among the group's earlier meetings (two or more of them present), a sign of bid
      rotation; NULL with fewer than two bidders.
  - name: member_prior_win_share_max
    type: float
    zh: 组内既往同场胜率（最大）
    en: highest prior share of meetings won in the group
    meaning_zh: >
      对每个投标人：此前与本组其他企业同场时由其中标的次数，除以与本组其他企业同场的次数（按企业对计），取各投标人中的最大值；
      此前从未同场时为空。
    meaning_en: >
      For each bidder: its earlier wins over the other bidders of this tender, over its earlier meetings
      with them (counted per pair), the highest over the bidders; NULL when none had met before.
--- */
-- Pair co-occurrence without a join over history: for each unordered pair of the tender's bidders, the
-- pair's meetings (at bid opening) and outcomes (at the award) are history rows (kind 1) of one stream per
-- pair, and each tender of the pair adds a query row (kind 0) at its cut: the start of its project, or the
-- tender's own opening if earlier. Ordered by time, queries before history rows of the same instant, running
-- sums at a query row count exactly the meetings and wins strictly before the cut. Rows grow with the pairs
-- within each tender, not with history.
WITH tender_times AS (
    SELECT
        t.tender_id,
        t.winner_company_id,
        coalesce(t.opened_at, t.bid_deadline, t.awarded_at, t.announced_at) AS bid_at,
        greatest(coalesce(t.opened_at, t.bid_deadline, t.announced_at), t.awarded_at) AS won_at,
        least(coalesce(t.opened_at, t.bid_deadline, t.awarded_at, t.announced_at), s.start_at) AS cut_at
    FROM tenders t
    LEFT JOIN project_start s ON s.project_id = t.project_id
),
bidders AS (
    SELECT DISTINCT tender_id, company_id FROM bids
),
pairs AS (
    SELECT a.tender_id, a.company_id AS firm_a, b.company_id AS firm_b
    FROM bidders a
    JOIN bidders b ON b.tender_id = a.tender_id AND a.company_id < b.company_id
),
stream AS (
    SELECT p.firm_a, p.firm_b, t.bid_at AS t, 1 AS kind, 1 AS n_meet, 0 AS a_won, 0 AS b_won,
           CAST(NULL AS VARCHAR) AS tender_id
    FROM pairs p
    JOIN tender_times t ON t.tender_id = p.tender_id
    WHERE t.bid_at IS NOT NULL
    UNION ALL
    SELECT p.firm_a, p.firm_b, t.won_at AS t, 1 AS kind, 0 AS n_meet,
           CASE WHEN t.winner_company_id = p.firm_a THEN 1 ELSE 0 END AS a_won,
           CASE WHEN t.winner_company_id = p.firm_b THEN 1 ELSE 0 END AS b_won,
           CAST(NULL AS VARCHAR) AS tender_id
    FROM pairs p
    JOIN tender_times t ON t.tender_id = p.tender_id
    WHERE t.won_at IS NOT NULL AND (t.winner_company_id = p.firm_a OR t.winner_company_id = p.firm_b)
    UNION ALL
    SELECT p.firm_a, p.firm_b, t.cut_at AS t, 0 AS kind, 0 AS n_meet, 0 AS a_won, 0 AS b_won, p.tender_id
    FROM pairs p
    JOIN tender_times t ON t.tender_id = p.tender_id
    WHERE t.cut_at IS NOT NULL
),
running AS (
    SELECT
        tender_id,
        firm_a,
        firm_b,
        kind,
        sum(n_meet) OVER w AS meets,
        sum(a_won) OVER w AS a_wins,
        sum(b_won) OVER w AS b_wins
    FROM stream
    WINDOW w AS (PARTITION BY firm_a, firm_b ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
pair_hist AS (
    SELECT tender_id, firm_a, firm_b, meets, a_wins, b_wins
    FROM running
    WHERE kind = 0
),
-- each bidder's side of its pairs: its meetings with the others and its wins over them
firm_hist AS (
    SELECT tender_id, firm, sum(meets) AS meets, sum(wins) AS wins
    FROM (
        SELECT tender_id, firm_a AS firm, meets, a_wins AS wins FROM pair_hist
        UNION ALL
        SELECT tender_id, firm_b AS firm, meets, b_wins AS wins FROM pair_hist
    ) x
    GROUP BY tender_id, firm
),
pair_agg AS (
    SELECT tender_id, max(meets) AS pair_prior_meetings_max, avg(meets) AS pair_prior_meetings_mean
    FROM pair_hist
    GROUP BY tender_id
),
firm_agg AS (
    SELECT
        f.tender_id,
        sum(CASE WHEN f.firm = t.winner_company_id THEN f.wins END) AS winner_prior_beats,
        CAST(sum(CASE WHEN f.firm = t.winner_company_id THEN f.wins END) AS DOUBLE)
            / nullif(sum(CASE WHEN f.firm = t.winner_company_id THEN f.meets END), 0) AS winner_prior_beat_share,
        sum(CASE WHEN f.wins > 0 THEN 1 ELSE 0 END) AS group_prior_winners,
        max(CAST(f.wins AS DOUBLE) / nullif(f.meets, 0)) AS member_prior_win_share_max
    FROM firm_hist f
    JOIN tenders t ON t.tender_id = f.tender_id
    GROUP BY f.tender_id
)
SELECT
    t.tender_id,
    p.pair_prior_meetings_max,
    p.pair_prior_meetings_mean,
    f.winner_prior_beats,
    f.winner_prior_beat_share,
    f.group_prior_winners,
    f.member_prior_win_share_max
FROM tenders t
LEFT JOIN pair_agg p ON p.tender_id = t.tender_id
LEFT JOIN firm_agg f ON f.tender_id = t.tender_id
