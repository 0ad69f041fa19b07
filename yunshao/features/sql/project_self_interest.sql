/* ---
entity: project
family: self_interest
requires: [projects, approvals, company_people]
features:
  - name: approver_in_beneficiary
    type: int
    zh: 审批人任职受益企业数
    en: approvers inside a beneficiary company
    meaning_zh: 本项目审批人中，本人在受益企业（中标、签约、协议或收款企业）任职或持股的人数。
    meaning_en: >
      Approvers of the project who themselves hold a role (legal representative, shareholder, director…)
      in a company that won, contracted, signed an agreement or was paid in the project.
--- */
WITH ap AS (
    SELECT DISTINCT project_id, person_id FROM approver_posts WHERE person_id IS NOT NULL
),
roles AS (
    SELECT DISTINCT company_id, person_id FROM company_people
),
own AS (
    SELECT DISTINCT ap.project_id, ap.person_id
    FROM ap
    JOIN roles r ON r.person_id = ap.person_id
    JOIN project_companies pc ON pc.project_id = ap.project_id AND pc.company_id = r.company_id
),
agg AS (
    SELECT project_id, count(*) AS approver_in_beneficiary
    FROM own
    GROUP BY project_id
)
SELECT
    p.project_id,
    coalesce(a.approver_in_beneficiary, 0) AS approver_in_beneficiary
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
