/* ---
entity: project
family: sequence
requires: [projects, approvals]
features:
  - name: node_order_violations
    type: int
    zh: 节点顺序倒置数
    en: node order violations
    meaning_zh: >
      按首次到达时间排列节点后，法定顺序靠前却晚于某个靠后节点才首次出现的必经节点个数
      （可重复的变更签证C17、进度款C18不计）。
    meaning_en: >
      Mandatory nodes first reached after a node that comes later in the legal order (repeating nodes
      C17 change orders and C18 progress payments are not counted).
  - name: skipped_mandatory_nodes
    type: int
    zh: 跳过必经节点数
    en: skipped mandatory nodes
    meaning_zh: 法定顺序在已到达的最后必经节点之前、却从未出现的必经节点个数（招标阶段节点单列，不计在内）。
    meaning_en: >
      Mandatory nodes that come before the furthest mandatory node reached but never occurred (the
      tendering stage is a separate feature and not counted here).
  - name: tender_stage_skipped
    type: bool
    zh: 无招标环节
    en: tendering stage skipped
    meaning_zh: 工程建设项目已到合同签订（C14）及以后节点，却没有任何招标节点（C09–C13）；其他领域为否。
    meaning_en: >
      A construction project reached contract signing (C14) or later without any tendering node
      (C09–C13); false for other domains.
  - name: is_emergency
    type: bool
    zh: 抢险救灾项目
    en: emergency works
    meaning_zh: 项目类别为抢险救灾（emergency_category），依法可不招标。
    meaning_en: The project's category is emergency works (emergency_category), which the law exempts from mandatory tendering.
  - name: tender_skipped_not_emergency
    type: bool
    zh: 非抢险项目无招标
    en: no tendering, not emergency
    meaning_zh: 跳过招标环节且不是抢险救灾项目。
    meaning_en: The tendering stage was skipped and the project is not emergency works.
  - name: commenced_before_approval
    type: bool
    zh: 未批先建
    en: commenced before approval
    meaning_zh: 开工（C16）早于立项批复（C04）或施工许可（C15）的首次审批通过，或两者之一从未通过。
    meaning_en: >
      Commencement (C16) happened before the first approval of the initiation (C04) or the
      construction permit (C15), or one of them was never approved.
  - name: days_initiation_to_tender
    type: float
    zh: 立项至招标公告天数
    en: days from initiation to tender
    meaning_zh: 立项批复（C04）首次审批通过至招标公告（C10）首次出现的天数。
    meaning_en: Days from the first approval of the initiation (C04) to the first tender announcement event (C10).
  - name: days_announce_to_open
    type: float
    zh: 公告至开标天数
    en: days from announcement to bid opening
    meaning_zh: 招标公告（C10）至开标（C11）首次出现之间的天数。
    meaning_en: Days between the first tender announcement (C10) and the first bid opening (C11) events.
  - name: days_award_to_contract
    type: float
    zh: 中标通知至签约天数
    en: days from award to contract
    meaning_zh: 中标通知（C13）至合同签订（C14）首次出现之间的天数。
    meaning_en: Days between the first award notice (C13) and the first contract signing (C14) events.
  - name: mean_node_gap_days
    type: float
    zh: 平均节点间隔天数
    en: mean gap between nodes (days)
    meaning_zh: 各节点首次出现之间的平均间隔天数，即（最后一个节点首次出现－第一个节点首次出现）÷（节点数－1）。
    meaning_en: >
      Mean gap in days between the nodes' first events: (last node's first event − first node's first
      event) over (number of nodes − 1).
  - name: same_approver_consecutive
    type: int
    zh: 相邻节点同一审批人次数
    en: same approver at consecutive nodes
    meaning_zh: 按法定顺序相邻的两个节点，首位审批人为同一人的对数。
    meaning_en: Pairs of nodes adjacent in the legal order whose first approver is the same person.
  - name: same_approver_consecutive_share
    type: float
    zh: 相邻节点同一审批人占比
    en: share of consecutive nodes with the same approver
    meaning_zh: 上项对数除以两个节点都有审批人的相邻节点对数；没有这样的节点对时为空。
    meaning_en: The count above over the adjacent node pairs that both have an approver; NULL when there is none.
  - name: self_approvals
    type: int
    zh: 自报自批节点数
    en: self approvals
    meaning_zh: 首位提交人与首位审批人为同一人的节点数：同一人既报又批。
    meaning_en: Nodes whose first approval was given by the same person who first submitted them.
--- */
-- One aggregate per project over the node step, pivoted by legal rank (no window over millions of
-- rows): f<k> is when the mandatory node of rank k was first reached, a<k> who first approved the node
-- of rank k. A node is out of order when it was first reached after some later-ranked mandatory node
-- (least() skips NULLs, i.e. nodes not reached). Rank, stage and mandatory come from the domain
-- declarations (domain_nodes); ranks run to 20, the most nodes a declaration may have (domains.catalog).
WITH by_rank AS (
    SELECT
        s.project_id,
        max(r.domain) AS domain,
        min(CASE WHEN r.node_rank = 1 AND r.mandatory THEN s.first_at END) AS f01,
        min(CASE WHEN r.node_rank = 2 AND r.mandatory THEN s.first_at END) AS f02,
        min(CASE WHEN r.node_rank = 3 AND r.mandatory THEN s.first_at END) AS f03,
        min(CASE WHEN r.node_rank = 4 AND r.mandatory THEN s.first_at END) AS f04,
        min(CASE WHEN r.node_rank = 5 AND r.mandatory THEN s.first_at END) AS f05,
        min(CASE WHEN r.node_rank = 6 AND r.mandatory THEN s.first_at END) AS f06,
        min(CASE WHEN r.node_rank = 7 AND r.mandatory THEN s.first_at END) AS f07,
        min(CASE WHEN r.node_rank = 8 AND r.mandatory THEN s.first_at END) AS f08,
        min(CASE WHEN r.node_rank = 9 AND r.mandatory THEN s.first_at END) AS f09,
        min(CASE WHEN r.node_rank = 10 AND r.mandatory THEN s.first_at END) AS f10,
        min(CASE WHEN r.node_rank = 11 AND r.mandatory THEN s.first_at END) AS f11,
        min(CASE WHEN r.node_rank = 12 AND r.mandatory THEN s.first_at END) AS f12,
        min(CASE WHEN r.node_rank = 13 AND r.mandatory THEN s.first_at END) AS f13,
        min(CASE WHEN r.node_rank = 14 AND r.mandatory THEN s.first_at END) AS f14,
        min(CASE WHEN r.node_rank = 15 AND r.mandatory THEN s.first_at END) AS f15,
        min(CASE WHEN r.node_rank = 16 AND r.mandatory THEN s.first_at END) AS f16,
        min(CASE WHEN r.node_rank = 17 AND r.mandatory THEN s.first_at END) AS f17,
        min(CASE WHEN r.node_rank = 18 AND r.mandatory THEN s.first_at END) AS f18,
        min(CASE WHEN r.node_rank = 19 AND r.mandatory THEN s.first_at END) AS f19,
        min(CASE WHEN r.node_rank = 20 AND r.mandatory THEN s.first_at END) AS f20,
        min(CASE WHEN r.node_rank = 1 THEN s.first_approver END) AS a01,
        min(CASE WHEN r.node_rank = 2 THEN s.first_approver END) AS a02,
        min(CASE WHEN r.node_rank = 3 THEN s.first_approver END) AS a03,
        min(CASE WHEN r.node_rank = 4 THEN s.first_approver END) AS a04,
        min(CASE WHEN r.node_rank = 5 THEN s.first_approver END) AS a05,
        min(CASE WHEN r.node_rank = 6 THEN s.first_approver END) AS a06,
        min(CASE WHEN r.node_rank = 7 THEN s.first_approver END) AS a07,
        min(CASE WHEN r.node_rank = 8 THEN s.first_approver END) AS a08,
        min(CASE WHEN r.node_rank = 9 THEN s.first_approver END) AS a09,
        min(CASE WHEN r.node_rank = 10 THEN s.first_approver END) AS a10,
        min(CASE WHEN r.node_rank = 11 THEN s.first_approver END) AS a11,
        min(CASE WHEN r.node_rank = 12 THEN s.first_approver END) AS a12,
        min(CASE WHEN r.node_rank = 13 THEN s.first_approver END) AS a13,
        min(CASE WHEN r.node_rank = 14 THEN s.first_approver END) AS a14,
        min(CASE WHEN r.node_rank = 15 THEN s.first_approver END) AS a15,
        min(CASE WHEN r.node_rank = 16 THEN s.first_approver END) AS a16,
        min(CASE WHEN r.node_rank = 17 THEN s.first_approver END) AS a17,
        min(CASE WHEN r.node_rank = 18 THEN s.first_approver END) AS a18,
        min(CASE WHEN r.node_rank = 19 THEN s.first_approver END) AS a19,
        min(CASE WHEN r.node_rank = 20 THEN s.first_approver END) AS a20,
        max(CASE WHEN r.mandatory THEN r.node_rank END) AS max_mandatory_rank,
        sum(CASE WHEN r.mandatory AND NOT r.tendering THEN 1 ELSE 0 END) AS mandatory_present,
        max(CASE WHEN r.stage IN ('construction', 'completion') THEN 1 ELSE 0 END) AS reached_contract,
        max(CASE WHEN r.tendering THEN 1 ELSE 0 END) AS has_tender_node,
        min(CASE WHEN s.node = 'C16' THEN s.first_at END) AS c16_at,
        min(CASE WHEN s.node = 'C04' THEN s.first_approve END) AS c04_approved_at,
        min(CASE WHEN s.node = 'C15' THEN s.first_approve END) AS c15_approved_at,
        min(CASE WHEN s.node = 'C10' THEN s.first_at END) AS c10_at,
        min(CASE WHEN s.node = 'C11' THEN s.first_at END) AS c11_at,
        min(CASE WHEN s.node = 'C13' THEN s.first_at END) AS c13_at,
        min(CASE WHEN s.node = 'C14' THEN s.first_at END) AS c14_at,
        count(*) AS n_nodes,
        date_diff('second', min(s.first_at), max(s.first_at)) / 86400.0 AS node_span_days,
        sum(CASE WHEN s.first_submitter = s.first_approver THEN 1 ELSE 0 END) AS self_approvals
    FROM node_times s
    JOIN domain_nodes r ON r.node = s.node
    GROUP BY s.project_id
),
agg AS (
    SELECT
        project_id,
        domain,
        max_mandatory_rank,
        mandatory_present,
        reached_contract,
        has_tender_node,
        c16_at, c04_approved_at, c15_approved_at, c10_at, c11_at, c13_at, c14_at,
        n_nodes,
        node_span_days,
        self_approvals,
              CASE WHEN f01 > least(f02, f03, f04, f05, f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f02 > least(f03, f04, f05, f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f03 > least(f04, f05, f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f04 > least(f05, f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f05 > least(f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f06 > least(f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f07 > least(f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f08 > least(f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f09 > least(f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f10 > least(f11, f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f11 > least(f12, f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f12 > least(f13, f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f13 > least(f14, f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f14 > least(f15, f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f15 > least(f16, f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f16 > least(f17, f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f17 > least(f18, f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f18 > least(f19, f20) THEN 1 ELSE 0 END
            + CASE WHEN f19 > least(f20) THEN 1 ELSE 0 END
            AS node_order_violations,
              CASE WHEN a01 = a02 THEN 1 ELSE 0 END
            + CASE WHEN a02 = a03 THEN 1 ELSE 0 END
            + CASE WHEN a03 = a04 THEN 1 ELSE 0 END
            + CASE WHEN a04 = a05 THEN 1 ELSE 0 END
            + CASE WHEN a05 = a06 THEN 1 ELSE 0 END
            + CASE WHEN a06 = a07 THEN 1 ELSE 0 END
            + CASE WHEN a07 = a08 THEN 1 ELSE 0 END
            + CASE WHEN a08 = a09 THEN 1 ELSE 0 END
            + CASE WHEN a09 = a10 THEN 1 ELSE 0 END
            + CASE WHEN a10 = a11 THEN 1 ELSE 0 END
            + CASE WHEN a11 = a12 THEN 1 ELSE 0 END
            + CASE WHEN a12 = a13 THEN 1 ELSE 0 END
            + CASE WHEN a13 = a14 THEN 1 ELSE 0 END
            + CASE WHEN a14 = a15 THEN 1 ELSE 0 END
            + CASE WHEN a15 = a16 THEN 1 ELSE 0 END
            + CASE WHEN a16 = a17 THEN 1 ELSE 0 END
            + CASE WHEN a17 = a18 THEN 1 ELSE 0 END
            + CASE WHEN a18 = a19 THEN 1 ELSE 0 END
            + CASE WHEN a19 = a20 THEN 1 ELSE 0 END
            AS same_approver_consecutive,
              CASE WHEN a01 IS NOT NULL AND a02 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a02 IS NOT NULL AND a03 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a03 IS NOT NULL AND a04 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a04 IS NOT NULL AND a05 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a05 IS NOT NULL AND a06 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a06 IS NOT NULL AND a07 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a07 IS NOT NULL AND a08 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a08 IS NOT NULL AND a09 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a09 IS NOT NULL AND a10 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a10 IS NOT NULL AND a11 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a11 IS NOT NULL AND a12 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a12 IS NOT NULL AND a13 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a13 IS NOT NULL AND a14 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a14 IS NOT NULL AND a15 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a15 IS NOT NULL AND a16 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a16 IS NOT NULL AND a17 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a17 IS NOT NULL AND a18 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a18 IS NOT NULL AND a19 IS NOT NULL THEN 1 ELSE 0 END
            + CASE WHEN a19 IS NOT NULL AND a20 IS NOT NULL THEN 1 ELSE 0 END
            AS approver_pairs
    FROM by_rank
),
-- mandatory non-tendering nodes of each domain up to a given rank
ref AS (
    SELECT
        domain,
        node_rank,
        sum(CASE WHEN mandatory AND NOT tendering THEN 1 ELSE 0 END) OVER (
            PARTITION BY domain ORDER BY node_rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS mandatory_upto
    FROM domain_nodes
)
SELECT
    p.project_id,
    coalesce(a.node_order_violations, 0) AS node_order_violations,
    coalesce(ref.mandatory_upto - a.mandatory_present, 0) AS skipped_mandatory_nodes,
    coalesce(p.domain = 'construction' AND a.reached_contract = 1 AND a.has_tender_node = 0, FALSE)
        AS tender_stage_skipped,
    coalesce(lower(p.category) = lower({{ emergency_category }}), FALSE) AS is_emergency,
    coalesce(p.domain = 'construction' AND a.reached_contract = 1 AND a.has_tender_node = 0, FALSE)
        AND NOT coalesce(lower(p.category) = lower({{ emergency_category }}), FALSE) AS tender_skipped_not_emergency,
    coalesce(
        a.c16_at IS NOT NULL AND (
            a.c04_approved_at IS NULL OR a.c16_at < a.c04_approved_at
            OR a.c15_approved_at IS NULL OR a.c16_at < a.c15_approved_at
        ),
        FALSE
    ) AS commenced_before_approval,
    date_diff('second', a.c04_approved_at, a.c10_at) / 86400.0 AS days_initiation_to_tender,
    date_diff('second', a.c10_at, a.c11_at) / 86400.0 AS days_announce_to_open,
    date_diff('second', a.c13_at, a.c14_at) / 86400.0 AS days_award_to_contract,
    a.node_span_days / nullif(a.n_nodes - 1, 0) AS mean_node_gap_days,
    coalesce(a.same_approver_consecutive, 0) AS same_approver_consecutive,
    a.same_approver_consecutive / nullif(a.approver_pairs, 0) AS same_approver_consecutive_share,
    coalesce(a.self_approvals, 0) AS self_approvals
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
LEFT JOIN ref ON ref.domain = p.domain AND ref.node_rank = a.max_mandatory_rank
