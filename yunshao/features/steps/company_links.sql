/* ---
entity: tender
family: links
requires: [company_people]
meaning_en: pairs of companies linked by a common legal representative, shareholder or director (one group)
meaning_zh: 因同一法定代表人、股东或董事而相互关联的企业对（集团内企业）
--- */
SELECT DISTINCT a.company_id AS company_a, b.company_id AS company_b
FROM company_people a
JOIN company_people b ON a.person_id = b.person_id AND a.company_id <> b.company_id
WHERE a.role IN ('legal_rep', 'shareholder', 'director') AND b.role IN ('legal_rep', 'shareholder', 'director')
