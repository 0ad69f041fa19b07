/* ---
entity: project
family: context
requires: [projects]
optional: [tenders, contracts]
meaning_en: >
  The companies that won each project, one row per project and company: the winners of its tenders and
  the companies of its main contracts (kind main or not given), with when the win was first known
  (the award, never before the bids were opened; or the signing). won_at is NULL when no time is known;
  such a win is never counted in anyone's history.
meaning_zh: >
  每个项目的中标（承接）企业，每个项目每家企业一行：各次招标的中标人及主合同（kind为main或未填）的相对方，
  并给出最早获知中标的时间（中标通知，不早于开标；或合同签订）；时间不明时为空，不计入任何历史。
--- */
SELECT
    w.project_id,
    min(p.unit_id) AS unit_id,
    w.company_id,
    min(w.won_at) AS won_at
FROM (
    SELECT project_id, winner_company_id AS company_id,
           greatest(coalesce(opened_at, bid_deadline, announced_at), awarded_at) AS won_at
    FROM tenders
    WHERE winner_company_id IS NOT NULL
    UNION ALL
    SELECT project_id, company_id, signed_at AS won_at
    FROM contracts
    WHERE coalesce(kind, 'main') = 'main'
) w
JOIN projects p ON p.project_id = w.project_id
GROUP BY w.project_id, w.company_id
