/* ---
entity: project
family: context
requires: [projects, approvals, tenders, bids]
features:
  - name: max_pair_prior_meetings
    type: int
    zh: 投标人两两既往同场次数（项目最大）
    en: most prior meetings of a bidder pair
    meaning_zh: 各次招标"投标人两两既往同场次数（最大）"的最大值；无可比招标时为空。
    meaning_en: Highest prior meetings of a bidder pair over the project's tenders; NULL when no tender has one.
  - name: max_pair_prior_meetings_mean
    type: float
    zh: 投标人两两既往同场次数均值（项目最大）
    en: highest mean prior meetings of bidder pairs
    meaning_zh: 各次招标"投标人两两既往同场次数（平均）"的最大值。
    meaning_en: Highest mean prior meetings of the bidder pairs over the project's tenders.
  - name: max_winner_prior_beats
    type: int
    zh: 中标人既往胜过本场对手次数（项目最大）
    en: most prior wins of a winner over its rivals
    meaning_zh: 各次招标"中标人既往胜过本场对手次数"的最大值。
    meaning_en: Highest count of the winner's prior wins over the same rivals over the project's tenders.
  - name: max_winner_prior_beat_share
    type: float
    zh: 中标人既往同场胜率（项目最大）
    en: highest winner's prior share of meetings won
    meaning_zh: 各次招标"中标人既往同场胜率"的最大值。
    meaning_en: Highest share of prior meetings with the same rivals won by the winner over the project's tenders.
  - name: max_group_prior_winners
    type: int
    zh: 投标人轮流中标人数（项目最大）
    en: most rotating winners in a group
    meaning_zh: 各次招标"投标人轮流中标人数"的最大值。
    meaning_en: Highest number of bidders that had won an earlier meeting of the group, over the project's tenders.
  - name: max_member_prior_win_share
    type: float
    zh: 组内既往同场胜率（项目最大）
    en: highest prior share of meetings won by a group member
    meaning_zh: 各次招标"组内既往同场胜率（最大）"的最大值。
    meaning_en: Highest prior share of meetings won by one bidder of a tender's group, over the project's tenders.
--- */
SELECT
    p.project_id,
    max(t.pair_prior_meetings_max) AS max_pair_prior_meetings,
    max(t.pair_prior_meetings_mean) AS max_pair_prior_meetings_mean,
    max(t.winner_prior_beats) AS max_winner_prior_beats,
    max(t.winner_prior_beat_share) AS max_winner_prior_beat_share,
    max(t.group_prior_winners) AS max_group_prior_winners,
    max(t.member_prior_win_share_max) AS max_member_prior_win_share
FROM projects p
LEFT JOIN features_tender t ON t.project_id = p.project_id
GROUP BY p.project_id
