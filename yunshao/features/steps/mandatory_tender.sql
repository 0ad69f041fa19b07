/* ---
entity: project
family: avoidance
requires: [projects]
meaning_en: works and procurement projects with their mandatory-tendering threshold and emergency flag
meaning_zh: 工程与采购项目的必须招标限额（按领域与类别）及是否抢险救灾
--- */
SELECT
    p.project_id,
    p.domain,
    p.unit_id,
    p.category,
    p.budget_amount,
    p.approved_at,
    p.status,
    p.parent_project_id,
    CASE
        WHEN p.domain = 'construction' THEN {{ works_tender_threshold }}
        WHEN lower(coalesce(p.category, '')) IN ('service', 'services', '服务') THEN {{ services_tender_threshold }}
        ELSE {{ goods_tender_threshold }}
    END AS threshold,
    coalesce(
        lower(p.category) = 'emergency' OR p.category LIKE '%抢险%' OR p.category LIKE '%救灾%', FALSE
    ) AS is_emergency
FROM projects p
WHERE p.domain IN ('construction', 'procurement')
