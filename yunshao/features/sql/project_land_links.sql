/* ---
entity: project
family: land_links
requires: [projects, land_parcels, company_people]
optional: [companies]
features:
  - name: seller_linked_to_appraiser
    type: int
    zh: 卖方与评估机构关联地块数
    en: parcels whose seller is linked to the appraiser
    meaning_zh: >
      卖方本人在评估机构任职持股、是其法定代表人，或是评估机构任职持股人员的亲属（relative_kinds；需提供关系表）的地块数。
    meaning_en: >
      Parcels whose seller holds a role in the appraiser, is its legal representative, or is a relative
      (relative_kinds; needs the relations table) of someone holding a role in it.
--- */
WITH insiders AS (
    SELECT DISTINCT company_id, person_id FROM company_people
    UNION
    SELECT company_id, legal_rep_id FROM companies WHERE legal_rep_id IS NOT NULL
),
rel AS (SELECT person_id, relative_id FROM relatives),
linked AS (
    SELECT DISTINCT l.parcel_id, l.project_id
    FROM land_parcels l
    JOIN insiders i ON i.company_id = l.appraiser_company_id
    LEFT JOIN rel ON rel.person_id = i.person_id AND rel.relative_id = l.seller_id
    WHERE i.person_id = l.seller_id OR rel.relative_id IS NOT NULL
),
agg AS (
    SELECT project_id, count(*) AS n FROM linked GROUP BY project_id
),
has AS (
    SELECT DISTINCT project_id FROM land_parcels
)
SELECT
    p.project_id,
    CASE WHEN h.project_id IS NOT NULL THEN coalesce(a.n, 0) END AS seller_linked_to_appraiser
FROM projects p
LEFT JOIN has h ON h.project_id = p.project_id
LEFT JOIN agg a ON a.project_id = p.project_id
