/* ---
entity: project
family: context
requires: [projects, approvals]
requires_any: [[tenders, contracts]]
optional: [tenders, bids, contracts, labels]
features:
  - name: winner_prior_bids
    type: int
    zh: 中标人既往投标数
    en: winner's prior bids
    meaning_zh: >
      本项目中标人（招标中标人或主合同相对方）在本项目起始前参加过的招标数（以开标时间计）；有多个中标人时取最大值；
      无中标人或未提供投标表时为空。
    meaning_en: >
      Tenders the project's winner (a tender winner or the company of a main contract) had bid in before
      this project's start (timed by bid opening); the largest over the winners; NULL without a winner or
      without bids.
  - name: winner_prior_wins
    type: int
    zh: 中标人既往中标数
    en: winner's prior wins
    meaning_zh: 其中在起始前已中标的次数（以中标通知计），取最大值。
    meaning_en: Of those tenders, the ones it had won before this project's start (timed by the award), the largest over the winners.
  - name: winner_prior_win_rate
    type: float
    zh: 中标人既往中标率
    en: winner's prior win rate
    meaning_zh: 既往中标数除以既往投标数，取中标人中的最大值；无既往投标时为空。
    meaning_en: Prior wins over prior bids, the largest over the winners; NULL when it had never bid before.
  - name: winner_unit_award_share
    type: float
    zh: 中标人占本单位既往授标份额
    en: winner's share of the unit's prior awards
    meaning_zh: >
      本项目起始前，本单位项目的中标（或主合同）中由该中标人取得的比例，取中标人中的最大值；本单位此前无授标时为空。
    meaning_en: >
      Of the awards (tender wins or main contracts) of this unit's projects before this project's start,
      the share the winner took; the largest over the winners; NULL when the unit had no prior award.
  - name: winner_prior_confirmed
    type: int
    zh: 中标人既往项目查实数
    en: winner's prior confirmed projects
    meaning_zh: >
      中标人此前承接、且在本项目起始前已核查认定属实或部分属实的项目数，取最大值；未提供核查结论表时为0。本项目自身的结论从不计入。
    meaning_en: >
      Projects the winner had won whose verified outcome (confirmed or partial) was decided before this
      project's start, the largest over the winners; 0 when no labels are given. The project's own label is
      never counted.
  - name: bidder_prior_bids_mean
    type: float
    zh: 投标人既往投标数（平均）
    en: bidders' prior bids (mean)
    meaning_zh: 本项目各次招标的全部投标人（去重）在本项目起始前的投标数的平均值；无投标人时为空。
    meaning_en: The prior bids (as above) averaged over every company that bid in the project's tenders; NULL without bidders.
  - name: bidder_prior_wins_mean
    type: float
    zh: 投标人既往中标数（平均）
    en: bidders' prior wins (mean)
    meaning_zh: 各投标人既往中标数的平均值。
    meaning_en: The prior wins averaged over the project's bidders.
  - name: bidder_prior_win_rate_mean
    type: float
    zh: 投标人既往中标率（平均）
    en: bidders' prior win rate (mean)
    meaning_zh: 有既往投标的投标人的既往中标率平均值；都无既往投标时为空。
    meaning_en: The prior win rate averaged over the project's bidders that had bid before; NULL when none had.
  - name: bidder_unit_award_share_mean
    type: float
    zh: 投标人占本单位既往授标份额（平均）
    en: bidders' share of the unit's prior awards (mean)
    meaning_zh: 各投标人占本单位既往授标份额的平均值；本单位此前无授标时为空。
    meaning_en: The share of this unit's prior awards averaged over the project's bidders; NULL when the unit had none.
  - name: bidder_prior_confirmed_mean
    type: float
    zh: 投标人既往项目查实数（平均）
    en: bidders' prior confirmed projects (mean)
    meaning_zh: 各投标人此前承接且已查实（起始前认定）的项目数的平均值；未提供核查结论表时为0。
    meaning_en: Prior confirmed projects (as above) averaged over the project's bidders; 0 when no labels are given.
--- */
-- As-of counts as in project_approver_history: history rows (kind 1) and query rows (kind 0, one per
-- project and winner or bidder, at the project's start) in one stream per company (per unit for the unit's
-- awards); running sums at the query rows count exactly the history strictly before the start.
WITH tender_times AS (
    SELECT
        tender_id,
        project_id,
        winner_company_id,
        coalesce(opened_at, bid_deadline, awarded_at, announced_at) AS bid_at,
        greatest(coalesce(opened_at, bid_deadline, announced_at), awarded_at) AS won_at
    FROM tenders
),
bidders AS (
    SELECT DISTINCT tender_id, company_id FROM bids
),
bid_data AS (
    SELECT count(*) > 0 AS present FROM bidders
),
positive AS (
    SELECT entity_id AS project_id, min(decided_at) AS decided_at
    FROM labels
    WHERE entity_type = 'project' AND outcome IN ('confirmed', 'partial') AND decided_at IS NOT NULL
    GROUP BY entity_id
),
targets AS (
    SELECT project_id, company_id, max(is_winner) AS is_winner, max(is_bidder) AS is_bidder
    FROM (
        SELECT project_id, company_id, 1 AS is_winner, 0 AS is_bidder FROM project_winners
        UNION ALL
        SELECT t.project_id, b.company_id, 0 AS is_winner, 1 AS is_bidder
        FROM bidders b
        JOIN tenders t ON t.tender_id = b.tender_id
    ) x
    GROUP BY project_id, company_id
),
stream AS (
    SELECT b.company_id, CAST(NULL AS VARCHAR) AS unit_id, t.bid_at AS t, 1 AS kind,
           1 AS n_bid, 0 AS n_win, 0 AS n_award, 0 AS n_positive, CAST(NULL AS VARCHAR) AS project_id
    FROM bidders b
    JOIN tender_times t ON t.tender_id = b.tender_id
    WHERE t.bid_at IS NOT NULL
    UNION ALL
    -- a win of a tender it bid in, counted from the award
    SELECT b.company_id, CAST(NULL AS VARCHAR) AS unit_id, t.won_at AS t, 1 AS kind,
           0 AS n_bid, 1 AS n_win, 0 AS n_award, 0 AS n_positive, CAST(NULL AS VARCHAR) AS project_id
    FROM bidders b
    JOIN tender_times t ON t.tender_id = b.tender_id AND t.winner_company_id = b.company_id
    WHERE t.won_at IS NOT NULL
    UNION ALL
    -- a project of a unit won (tender or main contract)
    SELECT company_id, unit_id, won_at AS t, 1 AS kind,
           0 AS n_bid, 0 AS n_win, 1 AS n_award, 0 AS n_positive, CAST(NULL AS VARCHAR) AS project_id
    FROM project_winners
    WHERE won_at IS NOT NULL
    UNION ALL
    -- a project it won found confirmed, counted once both the win and the decision were known
    SELECT w.company_id, CAST(NULL AS VARCHAR) AS unit_id, greatest(w.won_at, l.decided_at) AS t, 1 AS kind,
           0 AS n_bid, 0 AS n_win, 0 AS n_award, 1 AS n_positive, CAST(NULL AS VARCHAR) AS project_id
    FROM project_winners w
    JOIN positive l ON l.project_id = w.project_id
    WHERE w.won_at IS NOT NULL
    UNION ALL
    SELECT q.company_id, s.unit_id, s.start_at AS t, 0 AS kind,
           0 AS n_bid, 0 AS n_win, 0 AS n_award, 0 AS n_positive, q.project_id
    FROM targets q
    JOIN project_start s ON s.project_id = q.project_id
    WHERE s.start_at IS NOT NULL
),
running AS (
    SELECT
        company_id,
        project_id,
        kind,
        sum(n_bid) OVER w_company AS prior_bids,
        sum(n_win) OVER w_company AS prior_wins,
        sum(n_positive) OVER w_company AS prior_positive,
        sum(n_award) OVER (
            PARTITION BY unit_id, company_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS unit_firm_awards,
        sum(n_award) OVER (
            PARTITION BY unit_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS unit_awards
    FROM stream
    WINDOW w_company AS (PARTITION BY company_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
hist AS (
    SELECT
        r.project_id,
        q.is_winner,
        q.is_bidder,
        CASE WHEN d.present THEN r.prior_bids END AS prior_bids,
        CASE WHEN d.present THEN r.prior_wins END AS prior_wins,
        CAST(r.prior_wins AS DOUBLE) / nullif(r.prior_bids, 0) AS win_rate,
        CAST(r.unit_firm_awards AS DOUBLE) / nullif(r.unit_awards, 0) AS unit_share,
        r.prior_positive
    FROM running r
    JOIN targets q ON q.project_id = r.project_id AND q.company_id = r.company_id
    CROSS JOIN bid_data d
    WHERE r.kind = 0
),
agg AS (
    SELECT
        project_id,
        max(CASE WHEN is_winner = 1 THEN prior_bids END) AS winner_prior_bids,
        max(CASE WHEN is_winner = 1 THEN prior_wins END) AS winner_prior_wins,
        max(CASE WHEN is_winner = 1 THEN win_rate END) AS winner_prior_win_rate,
        max(CASE WHEN is_winner = 1 THEN unit_share END) AS winner_unit_award_share,
        max(CASE WHEN is_winner = 1 THEN prior_positive END) AS winner_prior_confirmed,
        avg(CASE WHEN is_bidder = 1 THEN prior_bids END) AS bidder_prior_bids_mean,
        avg(CASE WHEN is_bidder = 1 THEN prior_wins END) AS bidder_prior_wins_mean,
        avg(CASE WHEN is_bidder = 1 THEN win_rate END) AS bidder_prior_win_rate_mean,
        avg(CASE WHEN is_bidder = 1 THEN unit_share END) AS bidder_unit_award_share_mean,
        avg(CASE WHEN is_bidder = 1 THEN prior_positive END) AS bidder_prior_confirmed_mean
    FROM hist
    GROUP BY project_id
)
SELECT
    p.project_id,
    a.winner_prior_bids,
    a.winner_prior_wins,
    a.winner_prior_win_rate,
    a.winner_unit_award_share,
    a.winner_prior_confirmed,
    a.bidder_prior_bids_mean,
    a.bidder_prior_wins_mean,
    a.bidder_prior_win_rate_mean,
    a.bidder_unit_award_share_mean,
    a.bidder_prior_confirmed_mean
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
