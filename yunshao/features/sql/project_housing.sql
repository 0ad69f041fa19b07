/* ---
entity: project
family: housing
requires: [projects, housing_applications, approvals]
optional: [households]
features:
  - name: housing_existing_homes
    type: int
    zh: 申请户已有住宅数
    en: household's existing homes
    meaning_zh: 农房申请中申报的该户已有住宅数之和；非农房项目为空。
    meaning_en: Existing homes the housing applications of the project declare for the household; NULL for other domains.
  - name: housing_prior_plots
    type: int
    zh: 户内成员此前获批宅基地数
    en: plots approved earlier to the household
    meaning_zh: >
      本申请乡镇批准（H05）之前，申请人本人或其所在户（批准时仍在户内的成员）成员已获乡镇批准的其他农房申请数；
      依法分户、已迁出原户的成员此前的宅基地不计入。
    meaning_en: >
      Other housing applications approved by the township (H05) before this one whose applicant is this applicant or a
      member of his household at this approval; plots of members who left the household earlier do not count.
  - name: housing_approved_over_applied
    type: float
    zh: 批准面积与申请面积比
    en: approved over applied area
    meaning_zh: 批准面积之和除以申请面积之和。
    meaning_en: Sum of the approved areas over the sum of the areas applied for.
  - name: housing_area_vs_village
    type: float
    zh: 批准面积与本村中位数比
    en: approved area over the village median
    meaning_zh: 批准面积除以同村其他农房申请批准面积的中位数；同村其他申请少于3宗时为空。
    meaning_en: Approved area over the median approved area of the village's other applications; NULL with fewer than 3 of them.
--- */
WITH approved AS (
    SELECT project_id, min(occurred_at) AS approved_at
    FROM approvals
    WHERE node = 'H05' AND action = 'approve'
    GROUP BY project_id
),
apps AS (
    SELECT h.application_id, h.project_id, h.applicant_person_id, h.household_id, h.village_unit_id,
           h.existing_homes, h.plot_area_m2, h.approved_area_m2, a.approved_at
    FROM housing_applications h
    LEFT JOIN approved a ON a.project_id = h.project_id
),
members AS (
    SELECT x.application_id, m.person_id
    FROM apps x
    JOIN households m ON m.household_id = x.household_id
     AND (m.left_on IS NULL OR x.approved_at IS NULL OR m.left_on > CAST(x.approved_at AS DATE))
    UNION
    SELECT application_id, applicant_person_id FROM apps
),
prior AS (
    SELECT m.application_id, count(DISTINCT e.application_id) AS n
    FROM members m
    JOIN apps x ON x.application_id = m.application_id
    JOIN apps e ON e.applicant_person_id = m.person_id AND e.application_id <> x.application_id
     AND e.approved_at IS NOT NULL AND (x.approved_at IS NULL OR e.approved_at < x.approved_at)
    GROUP BY m.application_id
),
village AS (
    SELECT x.application_id, median(o.approved_area_m2) AS med, count(o.approved_area_m2) AS n
    FROM apps x
    JOIN apps o ON o.village_unit_id = x.village_unit_id AND o.application_id <> x.application_id
    GROUP BY x.application_id
),
proj AS (
    SELECT
        x.project_id,
        sum(coalesce(x.existing_homes, 0)) AS existing_homes,
        sum(coalesce(pr.n, 0)) AS prior_plots,
        sum(x.approved_area_m2) / nullif(sum(CASE WHEN x.approved_area_m2 IS NOT NULL THEN x.plot_area_m2 END), 0)
            AS approved_over_applied,
        max(CASE WHEN v.n >= 3 THEN x.approved_area_m2 / nullif(v.med, 0) END) AS area_vs_village
    FROM apps x
    LEFT JOIN prior pr ON pr.application_id = x.application_id
    LEFT JOIN village v ON v.application_id = x.application_id
    GROUP BY x.project_id
)
SELECT
    p.project_id,
    CAST(proj.existing_homes AS BIGINT) AS housing_existing_homes,
    CAST(proj.prior_plots AS BIGINT) AS housing_prior_plots,
    proj.approved_over_applied AS housing_approved_over_applied,
    proj.area_vs_village AS housing_area_vs_village
FROM projects p
LEFT JOIN proj ON proj.project_id = p.project_id
