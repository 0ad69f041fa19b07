/* ---
entity: post
family: winners
requires: [approvals, tenders]
features:
  - name: post_distinct_winners
    type: int
    zh: 中标企业数
    en: distinct winners
    meaning_zh: 该岗位经手项目的不同中标企业数。
    meaning_en: Different companies that won tenders of the post's projects.
  - name: post_winner_hhi
    type: float
    zh: 中标集中度（HHI）
    en: winner concentration (HHI)
    meaning_zh: 经手项目各中标企业中标次数份额的平方和（0–1，越接近1越集中于少数企业）。
    meaning_en: Sum of the squared shares of tenders won by each company among the post's projects (0–1; near 1 means few companies win).
  - name: post_top_winner_share
    type: float
    zh: 第一中标企业占比
    en: top winner's share
    meaning_zh: 中标次数最多的企业所占份额。
    meaning_en: Share of the tenders won by the company that won most often.
  - name: post_tenders
    type: int
    zh: 经手有中标人的招标数
    en: tenders with a winner
    meaning_zh: 经手项目中有中标人的招标数。
    meaning_en: Tenders with a winner among the post's projects.
--- */
WITH pp AS (
    SELECT post_id, project_id FROM post_project_pairs
),
wins AS (
    SELECT pp.post_id, t.winner_company_id AS company_id, count(*) AS n
    FROM pp
    JOIN tenders t ON t.project_id = pp.project_id
    WHERE t.winner_company_id IS NOT NULL
    GROUP BY pp.post_id, t.winner_company_id
),
shares AS (
    SELECT post_id, n, n / sum(n) OVER (PARTITION BY post_id) AS share
    FROM wins
)
SELECT
    post_id,
    count(*) AS post_distinct_winners,
    sum(share * share) AS post_winner_hhi,
    max(share) AS post_top_winner_share,
    sum(n) AS post_tenders
FROM shares
GROUP BY post_id
