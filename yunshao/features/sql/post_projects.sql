/* ---
entity: post
family: signals
requires: [approvals]
features:
  - name: share_self_approval
    type: float
    zh: 自报自批项目占比
    en: share with self approval
    meaning_zh: 该岗位经手项目中，存在自报自批的项目占比。
    meaning_en: Share of the post's projects with a self approval.
  - name: share_order_violation
    type: float
    zh: 程序倒置项目占比
    en: share with node order violations
    meaning_zh: 经手项目中存在节点顺序倒置或跳过必经节点的占比。
    meaning_en: Share of the post's projects with a node order violation or a skipped mandatory node.
  - name: share_commenced_early
    type: float
    zh: 未批先建项目占比
    en: share commenced before approval
    meaning_zh: 经手项目中未批先建的占比。
    meaning_en: Share of the post's projects that commenced before approval.
  - name: share_tender_skipped
    type: float
    zh: 非抢险无招标项目占比
    en: share without tendering (not emergency)
    meaning_zh: 经手项目中跳过招标且非抢险救灾的占比。
    meaning_en: Share of the post's projects that skipped tendering without being emergency works.
  - name: share_interest_conflict
    type: float
    zh: 利益冲突项目占比
    en: share with a conflict of interest
    meaning_zh: 经手项目中，审批人本人或其亲属在受益企业任职持股的占比。
    meaning_en: Share of the post's projects where an approver or an approver's relative holds a role in a beneficiary company.
  - name: share_linked_bidding
    type: float
    zh: 中标人关联投标项目占比
    en: share with a linked winner
    meaning_zh: 经手项目中，中标人与其他投标人强关联的占比。
    meaning_en: Share of the post's projects whose winner is strongly linked to another bidder.
  - name: share_any_signal
    type: float
    zh: 有异常信号项目占比
    en: share with any signal
    meaning_zh: 经手项目中出现上述任一信号的占比（各信号源表缺失时按未见信号计）。
    meaning_en: Share of the post's projects showing any of the signals above (a signal whose source tables are absent counts as not seen).
--- */
WITH pp AS (
    SELECT post_id, project_id FROM post_project_pairs
),
sig AS (
    SELECT
        project_id,
        CAST(self_approvals > 0 AS DOUBLE) AS s_self,
        CAST(node_order_violations > 0 OR skipped_mandatory_nodes > 0 AS DOUBLE) AS s_order,
        CAST(commenced_before_approval AS DOUBLE) AS s_early,
        CAST(tender_skipped_not_emergency AS DOUBLE) AS s_tender,
        CASE WHEN approver_in_beneficiary IS NULL AND relative_in_beneficiary IS NULL THEN NULL
             ELSE CAST(coalesce(approver_in_beneficiary, 0) + coalesce(relative_in_beneficiary, 0) > 0 AS DOUBLE)
        END AS s_interest,
        CAST(winner_linked_tenders > 0 AS DOUBLE) AS s_linked
    FROM features_project
)
SELECT
    pp.post_id,
    avg(s_self) AS share_self_approval,
    avg(s_order) AS share_order_violation,
    avg(s_early) AS share_commenced_early,
    avg(s_tender) AS share_tender_skipped,
    avg(s_interest) AS share_interest_conflict,
    avg(s_linked) AS share_linked_bidding,
    avg(CASE WHEN coalesce(s_self, 0) + coalesce(s_order, 0) + coalesce(s_early, 0) + coalesce(s_tender, 0)
                  + coalesce(s_interest, 0) + coalesce(s_linked, 0) > 0 THEN 1.0 ELSE 0.0 END) AS share_any_signal
FROM pp
JOIN sig ON sig.project_id = pp.project_id
GROUP BY pp.post_id
