/* ---
entity: project
family: assets
requires: [projects, asset_leases, collective_assets, approvals]
optional: [units]
features:
  - name: lease_rent_over_appraised
    type: float
    zh: 租金与评估租金比
    en: rent over appraised rent
    meaning_zh: 项目各租赁年租金之和除以所租资产评估年租金之和；非资产租赁项目为空。
    meaning_en: Sum of the project's yearly rents over the appraised yearly rents of the assets; NULL for other domains.
  - name: lease_rent_vs_peers
    type: float
    zh: 单位面积租金与本乡镇同类中位数比
    en: rent per m² over the township's median
    meaning_zh: >
      每平方米年租金除以同一乡镇（资产所在村的上级单位）同类资产其他租赁每平方米年租金的中位数；其他租赁少于3宗时为空。
    meaning_en: >
      Yearly rent per m² over the median of the other leases of assets of the same kind in the same township (the
      parent unit of the asset's village); NULL with fewer than 3 of them.
  - name: lease_not_publicly_bid
    type: bool
    zh: 未经公开竞价出租
    en: let without public bidding
    meaning_zh: 有租赁的方式不是公开拍卖或挂牌（协商或未登记）。
    meaning_en: A lease of the project was not let by auction or public listing (negotiated or not recorded).
  - name: lease_without_assembly
    type: bool
    zh: 无村民代表会议决议
    en: no assembly resolution
    meaning_zh: 租赁未登记村民代表会议决议，且审批轨迹中没有批准的A02节点。
    meaning_en: No lease records an assembly resolution and the trail has no approved A02 node.
  - name: lease_term_years
    type: float
    zh: 租期（年）
    en: lease term (years)
    meaning_zh: 项目各租赁租期的最大值。
    meaning_en: Longest term of the project's leases.
--- */
WITH leases AS (
    SELECT l.lease_id, l.project_id, l.rent, l.method, l.term_years, l.assembly_approved, a.appraised_rent, a.kind,
           l.rent / nullif(a.area_m2, 0) AS rent_m2,
           coalesce(v.parent_unit_id, a.village_unit_id) AS township_id
    FROM asset_leases l
    JOIN collective_assets a ON a.asset_id = l.asset_id
    LEFT JOIN units v ON v.unit_id = a.village_unit_id
),
peers AS (
    SELECT x.lease_id, median(o.rent_m2) AS med, count(o.rent_m2) AS n
    FROM leases x
    JOIN leases o ON o.township_id = x.township_id AND o.kind = x.kind AND o.lease_id <> x.lease_id
    GROUP BY x.lease_id
),
assembly AS (
    SELECT DISTINCT project_id FROM approvals WHERE node = 'A02' AND action = 'approve'
),
proj AS (
    SELECT
        x.project_id,
        sum(x.rent) / nullif(sum(CASE WHEN x.rent IS NOT NULL THEN x.appraised_rent END), 0) AS over_appraised,
        min(CASE WHEN pe.n >= 3 THEN x.rent_m2 / nullif(pe.med, 0) END) AS vs_peers,
        bool_or(coalesce(x.method, 'negotiated') NOT IN ('auction', 'public_listing')) AS not_public,
        NOT bool_or(coalesce(x.assembly_approved, FALSE)) AS no_assembly,
        max(x.term_years) AS term_years
    FROM leases x
    LEFT JOIN peers pe ON pe.lease_id = x.lease_id
    GROUP BY x.project_id
)
SELECT
    p.project_id,
    proj.over_appraised AS lease_rent_over_appraised,
    proj.vs_peers AS lease_rent_vs_peers,
    proj.not_public AS lease_not_publicly_bid,
    CASE WHEN proj.project_id IS NOT NULL THEN proj.no_assembly AND s.project_id IS NULL END AS lease_without_assembly,
    proj.term_years AS lease_term_years
FROM projects p
LEFT JOIN proj ON proj.project_id = p.project_id
LEFT JOIN assembly s ON s.project_id = p.project_id
