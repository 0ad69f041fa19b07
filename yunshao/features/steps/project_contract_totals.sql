/* ---
entity: project
family: contracts
requires: [contracts]
meaning_en: per project, the contract total (main and supplements)
meaning_zh: 每个项目的合同总额（主合同与补充合同）
--- */
SELECT
    project_id,
    sum(amount) FILTER (WHERE coalesce(kind, 'main') = 'main') AS main_amount,
    sum(amount) AS total_amount,
    min(signed_at) AS first_signed_at,
    array_agg(DISTINCT company_id ORDER BY company_id) AS company_ids
FROM contracts
GROUP BY project_id
