/* ---
entity: project
family: land
requires: [projects, land_parcels]
features:
  - name: land_price_per_m2
    type: float
    zh: 每平方米收购价
    en: price per m²
    meaning_zh: 项目各地块协议价之和除以面积之和（元/平方米）。
    meaning_en: Sum of the parcels' agreed prices over their area (yuan per m²).
  - name: land_price_vs_peers
    type: float
    zh: 单价与同单位地块中位数比
    en: price per m² over peers' median
    meaning_zh: >
      每平方米价格除以可比地块每平方米价格的中位数。可比地块为同一单位、同一项目类别的地块（含本项目），
      其中其他项目地块不足 land_min_peers 宗时放宽为同一单位的地块，仍不足时为空。
    meaning_en: >
      Price per m² over the median price per m² of comparable parcels: the parcels of the same unit and
      project category (this project's included), or of the same unit when fewer than land_min_peers of
      them belong to other projects; NULL when still fewer.
  - name: appraised_vs_peers
    type: float
    zh: 评估单价与同单位中位数比
    en: appraised value per m² over peers' median
    meaning_zh: 每平方米评估值除以可比地块（同上）每平方米评估值的中位数。
    meaning_en: Appraised value per m² over the median appraised value per m² of the comparable parcels (as above).
  - name: agreed_over_appraised
    type: float
    zh: 协议价与评估值比
    en: agreed price over appraised value
    meaning_zh: 协议价之和除以评估值之和。
    meaning_en: Sum of the agreed prices over the sum of the appraised values.
  - name: appraiser_unit_share
    type: float
    zh: 评估机构在本单位占比
    en: appraiser's share in the unit
    meaning_zh: 该项目（主要）评估机构承接的本单位地块数占本单位地块总数的比例。
    meaning_en: Share of the unit's parcels appraised by the project's (main) appraiser.
--- */
WITH parcels AS (
    SELECT
        l.parcel_id,
        l.project_id,
        p.unit_id,
        coalesce(p.category, '') AS category,
        l.area_m2,
        l.agreed_price,
        l.appraised_value,
        l.appraiser_company_id,
        l.agreed_price / nullif(l.area_m2, 0) AS price_m2,
        l.appraised_value / nullif(l.area_m2, 0) AS appraised_m2
    FROM land_parcels l
    JOIN projects p ON p.project_id = l.project_id
),
proj AS (
    SELECT
        project_id,
        min(unit_id) AS unit_id,
        min(category) AS category,
        sum(agreed_price) / nullif(sum(CASE WHEN agreed_price IS NOT NULL THEN area_m2 END), 0) AS price_m2,
        sum(appraised_value) / nullif(sum(CASE WHEN appraised_value IS NOT NULL THEN area_m2 END), 0) AS appraised_m2,
        sum(agreed_price) / nullif(sum(CASE WHEN agreed_price IS NOT NULL THEN appraised_value END), 0)
            AS agreed_over_appraised,
        mode(appraiser_company_id) AS appraiser
    FROM parcels
    GROUP BY project_id
),
by_cat AS (
    SELECT unit_id, category, count(price_m2) AS n_price, median(price_m2) AS price_m2,
           count(appraised_m2) AS n_appraised, median(appraised_m2) AS appraised_m2
    FROM parcels
    GROUP BY unit_id, category
),
by_unit AS (
    SELECT unit_id, count(price_m2) AS n_price, median(price_m2) AS price_m2,
           count(appraised_m2) AS n_appraised, median(appraised_m2) AS appraised_m2
    FROM parcels
    GROUP BY unit_id
),
own AS (
    SELECT project_id, count(price_m2) AS n_price, count(appraised_m2) AS n_appraised
    FROM parcels
    GROUP BY project_id
),
peers AS (
    SELECT
        x.project_id,
        CASE WHEN c.n_price - o.n_price >= {{ land_min_peers }} THEN c.price_m2
             WHEN u.n_price - o.n_price >= {{ land_min_peers }} THEN u.price_m2 END AS peer_price_m2,
        CASE WHEN c.n_appraised - o.n_appraised >= {{ land_min_peers }} THEN c.appraised_m2
             WHEN u.n_appraised - o.n_appraised >= {{ land_min_peers }} THEN u.appraised_m2 END AS peer_appraised_m2
    FROM proj x
    JOIN own o ON o.project_id = x.project_id
    JOIN by_cat c ON c.unit_id = x.unit_id AND c.category = x.category
    JOIN by_unit u ON u.unit_id = x.unit_id
),
appraisers AS (
    SELECT unit_id, appraiser_company_id, count(*) AS n,
           sum(count(*)) OVER (PARTITION BY unit_id) AS unit_n
    FROM parcels
    GROUP BY unit_id, appraiser_company_id
)
SELECT
    p.project_id,
    proj.price_m2 AS land_price_per_m2,
    proj.price_m2 / nullif(peers.peer_price_m2, 0) AS land_price_vs_peers,
    proj.appraised_m2 / nullif(peers.peer_appraised_m2, 0) AS appraised_vs_peers,
    proj.agreed_over_appraised,
    ap.n / nullif(ap.unit_n, 0) AS appraiser_unit_share
FROM projects p
LEFT JOIN proj ON proj.project_id = p.project_id
LEFT JOIN peers ON peers.project_id = p.project_id
LEFT JOIN appraisers ap ON ap.unit_id = proj.unit_id AND ap.appraiser_company_id = proj.appraiser
