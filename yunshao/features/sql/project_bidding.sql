/* ---
entity: project
family: bidding
requires: [projects, tenders]
features:
  - name: n_tenders
    type: int
    zh: 招标次数
    en: tenders
    meaning_zh: 该项目的招标（标段）数。
    meaning_en: Number of tenders (lots) of the project.
  - name: noncompetitive_tenders
    type: int
    zh: 非竞争方式招标数
    en: non-competitive tenders
    meaning_zh: 采购方式为单一来源或直接发包的招标数。
    meaning_en: Tenders whose method is single source or direct award.
  - name: min_valid_bids
    type: int
    zh: 最少有效投标数
    en: fewest valid bids
    meaning_zh: 各次招标有效投标数的最小值；无招标时为空。
    meaning_en: Fewest valid bids in any of the project's tenders; NULL without tenders.
  - name: min_bid_cv
    type: float
    zh: 最低报价变异系数
    en: lowest bid CV
    meaning_zh: 各次招标报价变异系数的最小值。
    meaning_en: Lowest coefficient of variation of bid prices over the project's tenders.
  - name: max_bid_rd
    type: float
    zh: 最大最低两价相对距离
    en: highest relative distance
    meaning_zh: 各次招标"最低两价相对距离"的最大值。
    meaning_en: Highest relative distance of the two lowest bids over the project's tenders.
  - name: max_winner_price_ratio
    type: float
    zh: 最高中标价限价比
    en: highest award over ceiling
    meaning_zh: 各次招标中标价与最高限价之比的最大值。
    meaning_en: Highest award-price-over-ceiling ratio over the project's tenders.
  - name: price_ladder_tenders
    type: int
    zh: 阶梯报价招标数
    en: tenders with a price ladder
    meaning_zh: 出现阶梯报价的招标数。
    meaning_en: Tenders with a price ladder.
  - name: max_bidders_sharing_ip
    type: int
    zh: 最多同IP投标人数
    en: most bidders sharing an IP
    meaning_zh: 各次招标"同IP投标人数"的最大值。
    meaning_en: Largest number of bidders sharing an IP address in one of the project's tenders.
  - name: max_bidders_sharing_ip_and_hw
    type: int
    zh: 最多同IP同机投标人数
    en: most bidders sharing IP and machine
    meaning_zh: 各次招标"同IP且同机投标人数"的最大值。
    meaning_en: Largest number of bidders sharing IP and machine in one of the project's tenders.
  - name: max_linked_bidder_pairs
    type: int
    zh: 最多强关联投标人对数
    en: most strongly linked bidder pairs
    meaning_zh: 各次招标强关联（同机、同标书哈希、同保证金账户）投标人对数的最大值。
    meaning_en: Largest number of strongly linked bidder pairs (machine, document hash, bond account) in one tender.
  - name: max_bidders_sharing_owner
    type: int
    zh: 最多同控制人投标人数
    en: most bidders sharing an owner
    meaning_zh: 各次招标"同一实际控制人投标人数"的最大值。
    meaning_en: Largest number of bidders sharing an owner in one of the project's tenders.
  - name: max_bidders_sharing_contact
    type: int
    zh: 最多同法人或同电话投标人数
    en: most bidders sharing legal rep or phone
    meaning_zh: 各次招标同一法定代表人或同电话投标人数的最大值。
    meaning_en: Largest number of bidders sharing a legal representative or a phone in one tender.
  - name: winner_linked_tenders
    type: int
    zh: 中标人强关联招标数
    en: tenders with a linked winner
    meaning_zh: 中标人与其他投标人同机、同标书、同保证金账户或同控制人的招标数。
    meaning_en: Tenders whose winner shares a machine, document, bond account or owner with another bidder.
  - name: winner_staff_elsewhere_tenders
    type: int
    zh: 中标人关键人员挂靠招标数
    en: tenders with winner's staff elsewhere
    meaning_zh: 中标人关键人员社保或证书在他处的招标数。
    meaning_en: Tenders in which a key person of the winner is insured or certified elsewhere.
  - name: required_tender_not_competed
    type: bool
    zh: 应招未招
    en: required tender not competed
    meaning_zh: 预算达到招标限额、不是抢险救灾，却没有任何招标或只有单一来源、直接发包。
    meaning_en: >
      The budget reaches the tender threshold and the project is not emergency works, yet it has no tender
      or only single-source or direct-award ones.
--- */
WITH agg AS (
    SELECT
        project_id,
        count(*) AS n_tenders,
        sum(CASE WHEN noncompetitive_method THEN 1 ELSE 0 END) AS noncompetitive_tenders,
        min(n_valid_bids) AS min_valid_bids,
        min(bid_cv) AS min_bid_cv,
        max(bid_rd) AS max_bid_rd,
        max(winner_price_ratio) AS max_winner_price_ratio,
        sum(CAST(price_ladder AS INTEGER)) AS price_ladder_tenders,
        max(bidders_sharing_ip) AS max_bidders_sharing_ip,
        max(bidders_sharing_ip_and_hw) AS max_bidders_sharing_ip_and_hw,
        max(linked_bidder_pairs) AS max_linked_bidder_pairs,
        max(bidders_sharing_owner) AS max_bidders_sharing_owner,
        max(greatest(bidders_sharing_legal_rep, bidders_sharing_phone)) AS max_bidders_sharing_contact,
        CASE WHEN count(winner_linked) + count(winner_shares_owner) > 0 THEN
            sum(CASE WHEN winner_linked OR winner_shares_owner THEN 1 ELSE 0 END)
        END AS winner_linked_tenders,
        CASE WHEN count(winner_staff_insured_elsewhere) + count(winner_staff_certified_elsewhere) > 0 THEN
            sum(CASE WHEN winner_staff_insured_elsewhere OR winner_staff_certified_elsewhere THEN 1 ELSE 0 END)
        END AS winner_staff_elsewhere_tenders
    FROM features_tender
    GROUP BY project_id
)
SELECT
    p.project_id,
    coalesce(a.n_tenders, 0) AS n_tenders,
    coalesce(a.noncompetitive_tenders, 0) AS noncompetitive_tenders,
    a.min_valid_bids,
    a.min_bid_cv,
    a.max_bid_rd,
    a.max_winner_price_ratio,
    a.price_ladder_tenders,
    a.max_bidders_sharing_ip,
    a.max_bidders_sharing_ip_and_hw,
    a.max_linked_bidder_pairs,
    a.max_bidders_sharing_owner,
    a.max_bidders_sharing_contact,
    a.winner_linked_tenders,
    a.winner_staff_elsewhere_tenders,
    coalesce(
        sp.budget_over_threshold >= 1 AND NOT sq.is_emergency
        AND coalesce(a.n_tenders, 0) = coalesce(a.noncompetitive_tenders, 0),
        FALSE
    ) AS required_tender_not_competed
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
LEFT JOIN feat_project_split sp ON sp.project_id = p.project_id
LEFT JOIN feat_project_sequence sq ON sq.project_id = p.project_id
