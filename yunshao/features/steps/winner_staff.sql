/* ---
entity: tender
family: staff
requires: []
meaning_en: the project manager, technical lead and safety lead named in each winning bid
meaning_zh: 中标投标文件载明的项目负责人、技术负责人、安全负责人
--- */
SELECT tender_id, project_id, bid_id, company_id, bid_month, bid_date, awarded_at, 'project_manager' AS role,
       project_manager_id AS person_id
FROM bid_facts WHERE is_winner AND project_manager_id IS NOT NULL
UNION ALL
SELECT tender_id, project_id, bid_id, company_id, bid_month, bid_date, awarded_at, 'tech_lead', tech_lead_id
FROM bid_facts WHERE is_winner AND tech_lead_id IS NOT NULL
UNION ALL
SELECT tender_id, project_id, bid_id, company_id, bid_month, bid_date, awarded_at, 'safety_lead', safety_lead_id
FROM bid_facts WHERE is_winner AND safety_lead_id IS NOT NULL
