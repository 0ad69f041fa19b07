/* ---
entity: project
family: funds
requires: [projects, fund_programmes, fund_payments]
optional: [people, units]
features:
  - name: fund_payments_after_death
    type: int
    zh: 死亡后发放笔数
    en: payments after death
    meaning_zh: 专项资金项目中支付日期晚于受益人死亡日期（死亡当天不计）的发放笔数；非专项资金项目为空。
    meaning_en: Payments of the fund programme made after the beneficiary's date of death (the day itself not counted); NULL for other domains.
  - name: fund_share_out_of_area
    type: float
    zh: 区域外发放占比
    en: share paid outside the area
    meaning_zh: 受益人居住单位既不是项目区域、也不在其下级单位（村属乡镇）的发放笔数占比；居住地或区域未登记的不计入分母。
    meaning_en: Share of the payments whose beneficiary lives neither in the programme's area unit nor in a unit under it (a village of the township); payments without a residence or area are left out.
  - name: fund_share_above_band
    type: float
    zh: 超收入档次发放占比
    en: share paid above the income band
    meaning_zh: 受益人收入档次高于项目上限的发放笔数占比；档次未登记的不计入分母。
    meaning_en: Share of the payments whose beneficiary's income band is above the programme's highest; payments without a band are left out.
  - name: fund_duplicate_beneficiaries
    type: int
    zh: 同年重复领取同类资金人数
    en: beneficiaries paid twice
    meaning_zh: 本项目受益人中，同一年度还从另一个同类（kind 相同）项目领取资金的人数。
    meaning_en: Beneficiaries of the programme also paid in the same year by another programme of the same kind.
--- */
WITH pay AS (
    SELECT f.payment_id, f.beneficiary_person_id, f.residence_unit_id, f.income_band, f.paid_at,
           g.programme_id, g.project_id, g.kind, g.area_unit_id, g.max_income_band, year(f.paid_at) AS year
    FROM fund_payments f
    JOIN fund_programmes g ON g.programme_id = f.programme_id
),
inside AS (
    SELECT u.unit_id, u.unit_id AS area_id FROM units u
    UNION SELECT u.unit_id, u.parent_unit_id FROM units u WHERE u.parent_unit_id IS NOT NULL
    UNION SELECT u.unit_id, p.parent_unit_id FROM units u JOIN units p ON p.unit_id = u.parent_unit_id
     WHERE p.parent_unit_id IS NOT NULL
),
twice AS (
    SELECT DISTINCT x.project_id, x.beneficiary_person_id
    FROM pay x
    JOIN pay o ON o.beneficiary_person_id = x.beneficiary_person_id AND o.kind = x.kind AND o.year = x.year
     AND o.programme_id <> x.programme_id
),
proj AS (
    SELECT
        x.project_id,
        count(*) FILTER (WHERE pe.died_on IS NOT NULL AND CAST(x.paid_at AS DATE) > pe.died_on) AS after_death,
        avg(CASE WHEN x.residence_unit_id IS NOT NULL AND x.area_unit_id IS NOT NULL
                 THEN CASE WHEN i.unit_id IS NULL THEN 1.0 ELSE 0.0 END END) AS out_of_area,
        avg(CASE WHEN x.income_band IS NOT NULL AND x.max_income_band IS NOT NULL
                 THEN CASE WHEN x.income_band > x.max_income_band THEN 1.0 ELSE 0.0 END END) AS above_band
    FROM pay x
    LEFT JOIN people pe ON pe.person_id = x.beneficiary_person_id
    LEFT JOIN inside i ON i.unit_id = x.residence_unit_id AND i.area_id = x.area_unit_id
    GROUP BY x.project_id
),
dup AS (
    SELECT project_id, count(*) AS n FROM twice GROUP BY project_id
)
SELECT
    p.project_id,
    CAST(proj.after_death AS BIGINT) AS fund_payments_after_death,
    proj.out_of_area AS fund_share_out_of_area,
    proj.above_band AS fund_share_above_band,
    CASE WHEN proj.project_id IS NOT NULL THEN CAST(coalesce(dup.n, 0) AS BIGINT) END AS fund_duplicate_beneficiaries
FROM projects p
LEFT JOIN proj ON proj.project_id = p.project_id
LEFT JOIN dup ON dup.project_id = p.project_id
