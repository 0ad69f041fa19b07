/* ---
entity: project
family: people
requires: [projects, approvals, company_people, relations]
features:
  - name: relative_in_beneficiary
    type: int
    zh: 审批人亲属任职受益企业数
    en: approvers with a relative in a beneficiary company
    meaning_zh: >
      本项目审批人中，其亲属（relative_kinds）是受益企业（中标、签约、协议或收款企业）法定代表人、股东或董事
      （owner_roles）的人数。
    meaning_en: >
      Approvers of the project with a relative (relative_kinds) who is a legal representative, shareholder or
      director (owner_roles) of a company that won, contracted, signed an agreement or was paid in the project.
  - name: relative_employed_by_beneficiary
    type: int
    zh: 审批人亲属受雇于受益企业数
    en: approvers with a relative employed by a beneficiary
    meaning_zh: 本项目审批人中，其亲属只是受益企业普通雇员、经理或监事（非 owner_roles）的人数；常见且多属正常，与上项区分。
    meaning_en: >
      Approvers of the project whose relative only works for a beneficiary company (employee, manager or
      supervisor, not owner_roles); common and mostly innocent, kept apart from the feature above.
--- */
WITH ap AS (
    SELECT DISTINCT project_id, person_id FROM approver_posts WHERE person_id IS NOT NULL
),
rel AS (SELECT person_id, relative_id FROM relatives),
roles AS (
    SELECT
        company_id,
        person_id,
        max(CASE WHEN position(',' || role || ',' IN ',' || {{ owner_roles }} || ',') > 0 THEN 1 ELSE 0 END) AS owner
    FROM company_people
    GROUP BY company_id, person_id
),
kin AS (
    SELECT ap.project_id, ap.person_id, max(r.owner) AS owner
    FROM ap
    JOIN rel ON rel.person_id = ap.person_id
    JOIN roles r ON r.person_id = rel.relative_id
    JOIN project_companies pc ON pc.project_id = ap.project_id AND pc.company_id = r.company_id
    GROUP BY ap.project_id, ap.person_id
),
agg AS (
    SELECT
        project_id,
        sum(owner) AS relative_in_beneficiary,
        sum(1 - owner) AS relative_employed_by_beneficiary
    FROM kin
    GROUP BY project_id
)
SELECT
    p.project_id,
    coalesce(a.relative_in_beneficiary, 0) AS relative_in_beneficiary,
    coalesce(a.relative_employed_by_beneficiary, 0) AS relative_employed_by_beneficiary
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
