"""What a run writes (../shared/contract.md, "What a run writes"), declared once beside the input tables.

The stages that create these tables cast to these types, the API's stand-ins for a table a run did not
write take these columns, the analytics read these names, ``pipeline.OUTPUTS`` lists these files and
docs/outputs.md is generated from this module, so that a column added here reaches all of them and a column
written anywhere else fails a test. The wide feature tables are declared by reference: their columns are
the feature catalog's (the headers of ``yunshao/features/sql/*.sql``), never listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputColumn:
    """One column of an output table: its DuckDB type and its meaning in Chinese and English."""

    name: str
    type: str
    zh: str
    en: str
    #: the stage that adds the column, when it is not the stage that creates the table
    added_by: str = ""


@dataclass(frozen=True)
class Output:
    """One table a run writes into the store (and, for the contract's four, into ``OUT/<file>``)."""

    name: str
    zh: str
    en: str
    stage: str  # the stage of the run that creates it: load, features, rules, models
    columns: tuple[OutputColumn, ...] = ()
    file: str | None = None  # the Parquet file of the contract, when the table is one of its outputs
    #: entity of the feature catalog whose columns follow ``columns`` (the key), for ``features_*``
    features_of: str | None = None
    #: columns the file is sorted by, where the table's own row order varies from run to run (rules add
    #: their hits in whatever order DuckDB's threads finish): two runs of one dataset then write the same
    #: file. The score tables are created in their order already (highest risk first).
    order: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def types(self, *, stage: str | None = None) -> dict[str, str]:
        """Column → DuckDB type; with ``stage``, without the columns a later stage adds (the table as that stage
        creates it, e.g. ``warnings`` before the models stage adds ``low_confirmation``)."""
        return {c.name: c.type for c in self.columns if stage is None or c.added_by in ("", stage)}

    def column(self, name: str) -> OutputColumn:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    def pick(self, *names: str) -> dict[str, str]:
        """Some of the columns with their declared types (what a reader such as the analytics needs)."""
        return {n: self.column(n).type for n in names}

    def file_query(self) -> str:
        """What ``OUT/<file>`` holds: the table, sorted by ``order``."""
        order = ", ".join(f'"{c}"' for c in self.order)
        return f'SELECT * FROM "{self.name}"' + (f" ORDER BY {order}" if order else "")

    def ddl(self) -> str:
        """The column list of ``CREATE TABLE`` (an empty stand-in, or a table filled by INSERTs)."""
        return ", ".join(f'"{c.name}" {c.type}' for c in self.columns)

    def cast_select(self, source: str) -> str:
        """``SELECT`` of every declared column from ``source``, cast to its declared type, in order."""
        casts = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {casts} FROM {source}"


def _col(name: str, type_: str, zh: str, en: str, added_by: str = "") -> OutputColumn:
    return OutputColumn(name, type_, zh, en, added_by)


_LEVEL_ZH = "预警等级：red 红色、yellow 黄色、green 绿色"
_LEVEL_EN = "level: `red`, `yellow` or `green`"
_FACTORS_ZH = "主要影响因素（JSON：{feature, value, contribution} 列表）；未解释的行为空"
_FACTORS_EN = "top factors (JSON: a list of {feature, value, contribution}); NULL where not explained"

PROJECT_SCORES = Output(
    "project_scores",
    "项目风险评分",
    "risk score per project",
    "models",
    (
        _col("project_id", "VARCHAR", "项目编号", "project id (projects.project_id)"),
        _col("risk_score", "DOUBLE", "风险分（0–100，越高风险越大）", "risk score (0–100, higher is riskier)"),
        _col("level", "VARCHAR", _LEVEL_ZH, _LEVEL_EN),
        _col("rule_hits", "VARCHAR[]", "命中的规则编号列表", "ids of the rules the project hit"),
        _col("anomaly_score", "DOUBLE", "异常检测分（0–1）", "anomaly detectors' score (0–1)"),
        _col(
            "model_score",
            "DOUBLE",
            "分类模型概率；无法训练模型时为空",
            "classifier probability; NULL where no model could be trained",
        ),
        _col("top_factors", "VARCHAR", _FACTORS_ZH, _FACTORS_EN),
    ),
    file="project_scores.parquet",
)

POST_SCORES = Output(
    "post_scores",
    "岗位风险评分",
    "risk score per post",
    "models",
    (
        _col("post_id", "VARCHAR", "岗位编号", "post id (posts.post_id)"),
        _col("risk_score", "DOUBLE", "风险分（0–100，越高风险越大）", "risk score (0–100, higher is riskier)"),
        _col("level", "VARCHAR", _LEVEL_ZH, _LEVEL_EN),
        _col("warning_count", "BIGINT", "涉及该岗位的预警数", "number of warnings that involve the post"),
        _col("top_factors", "VARCHAR", _FACTORS_ZH, _FACTORS_EN),
    ),
    file="post_scores.parquet",
)

WARNINGS = Output(
    "warnings",
    "预警",
    "warnings, one per rule hit",
    "rules",
    (
        _col("warning_id", "VARCHAR", "预警编号", "warning id"),
        _col("entity_type", "VARCHAR", "对象类型：project、post、tender", "entity type: `project`, `post` or `tender`"),
        _col("entity_id", "VARCHAR", "对象编号", "the entity's id"),
        _col("rule_id", "VARCHAR", "规则编号", "id of the rule that fired"),
        _col("severity", "VARCHAR", "严重程度：red 红色、yellow 黄色", "severity: `red` or `yellow`"),
        _col("evidence", "VARCHAR", "证据（JSON）", "evidence (JSON)"),
        _col(
            "guide",
            "VARCHAR",
            "核查指引：查什么、怎么查、先排除哪些正当解释",
            "inspector's guide: what to check and how",
        ),
        _col("project_id", "VARCHAR", "所属项目编号", "the project the warning belongs to"),
        _col("scheme", "VARCHAR", "问题类型代码（如 bid_rigging）", "scheme code (e.g. `bid_rigging`)"),
        _col("post_id", "VARCHAR", "涉及的岗位编号", "the post involved"),
        _col(
            "low_confirmation",
            "BOOLEAN",
            "该规则在本地核查中很少被证实，不再单独定为红色",
            "the rule's hits were rarely confirmed in this county; it no longer makes a project red",
            added_by="models",
        ),
    ),
    file="warnings.parquet",
    order=("entity_type", "entity_id", "rule_id", "warning_id"),
)

QUARANTINE = Output(
    "quarantine",
    "隔离行",
    "rows that broke the contract",
    "load",
    (
        _col("table", "VARCHAR", "来源表", "contract table the row was meant for"),
        _col("row", "VARCHAR", "原始行（JSON）", "the row as read (JSON)"),
        _col("reason", "VARCHAR", "原因（指明列与检查）", "reason, naming the column and the check"),
        _col("file", "VARCHAR", "来源文件", "file the row came from"),
        _col("file_row", "BIGINT", "文件中的行号", "row number in that file"),
    ),
    file="quarantine.parquet",
)

RULE_CONFIRMATION = Output(
    "rule_confirmation",
    "规则证实率",
    "each rule's confirmation rate in this county",
    "models",
    (
        _col("rule_id", "VARCHAR", "规则编号", "rule id"),
        _col("hit_share", "DOUBLE", "命中项目占比", "share of projects the rule hit"),
        _col("checked", "BIGINT", "已核查的命中数", "hits with a verified outcome"),
        _col("confirmed", "DOUBLE", "证实数（部分证实按权重计）", "confirmed hits (partial ones weighted)"),
        _col("prior", "DOUBLE", "先验证实率（按严重程度与稀有度）", "prior confirmation rate (severity, rarity)"),
        _col("confirmation_rate", "DOUBLE", "估计证实率", "estimated confirmation rate"),
        _col("strength", "DOUBLE", "命中在风险中的强度", "strength of a hit in the risk"),
        _col("low_confirmation", "BOOLEAN", "证实率低，不再单独定为红色", "low confirmation: no longer drives red"),
        _col("interval_low", "DOUBLE", "证实率区间下限", "lower bound of the rate's interval"),
        _col("interval_high", "DOUBLE", "证实率区间上限", "upper bound of the rate's interval"),
    ),
)

SCORING_MODEL = Output(
    "scoring_model",
    "评分所用模型",
    "the model that scored the store",
    "models",
    (
        _col(
            "source", "VARCHAR", "来源：champion、trained_in_run、none", "source: `champion`, `trained_in_run`, `none`"
        ),
        _col("version", "VARCHAR", "注册表中的版本", "registry version"),
        _col("info", "VARCHAR", "模型说明（JSON）", "what the model chose (JSON)"),
        _col("model", "BLOB", "序列化的模型，用于按需解释", "the pickled model, for explanations on request"),
    ),
)

#: Read from the API's state file (``serving/feedback.py``), whose SQLite schema must hold these columns.
FEEDBACK = Output(
    "feedback",
    "核查反馈",
    "inspectors' feedback received by the API, copied in from its state file before the models stage",
    "feedback",
    (
        _col("feedback_id", "BIGINT", "反馈编号", "feedback id"),
        _col("client_key", "VARCHAR", "客户端幂等键", "client's idempotency key"),
        _col("entity_type", "VARCHAR", "对象类型：project、post、tender、warning", "entity type"),
        _col("entity_id", "VARCHAR", "对象编号", "the entity's id"),
        _col("warning_id", "VARCHAR", "所针对的预警编号", "the warning the feedback is about"),
        _col(
            "outcome", "VARCHAR", "结论：confirmed、unfounded、partial", "outcome: `confirmed`, `unfounded`, `partial`"
        ),
        _col("scheme", "VARCHAR", "问题类型代码", "scheme code"),
        _col("note", "VARCHAR", "备注", "note"),
        _col("who", "VARCHAR", "核查人", "who decided"),
        _col("key_id", "VARCHAR", "提交所用的密钥编号", "id of the API key that sent it"),
        _col("decided_at", "TIMESTAMP", "核查结论时间", "when the outcome was decided"),
        _col("received_at", "VARCHAR", "接收时间（ISO 8601）", "when the API received it (ISO 8601)"),
    ),
)

FEATURE_NODES = Output(
    "feature_nodes",
    "审批节点参照表",
    "the approval nodes of each domain in their legal order (the pages read it too)",
    "features",
    (
        _col("node", "VARCHAR", "节点代码（如 C04）", "node code (e.g. `C04`)"),
        _col("domain", "VARCHAR", "领域", "domain"),
        _col("node_rank", "BIGINT", "法定顺序中的位次（从 1 起）", "rank in the legal order (from 1)"),
        _col(
            "stage",
            "VARCHAR",
            "阶段（工程建设分五个阶段，其余为领域名）",
            "stage (five for construction, else the domain)",
        ),
        _col("mandatory", "BOOLEAN", "是否必经节点", "whether the node is mandatory"),
        _col("tendering", "BOOLEAN", "是否招投标节点", "whether the node belongs to tendering"),
    ),
)

_PROJECT_ID = _col("project_id", "VARCHAR", "项目编号", "project id")
#: Entity → title and the leading columns of its wide table; the feature catalog's columns follow them.
_FEATURE_TABLES: dict[str, tuple[str, str, tuple[OutputColumn, ...]]] = {
    "project": ("项目特征宽表", "project features, one row per project", (_PROJECT_ID,)),
    "tender": (
        "招标特征宽表",
        "tender features, one row per tender",
        (_col("tender_id", "VARCHAR", "招标编号", "tender id"), _PROJECT_ID),
    ),
    "post": ("岗位特征宽表", "post features, one row per post", (_col("post_id", "VARCHAR", "岗位编号", "post id"),)),
}


def _features(entity: str) -> Output:
    zh, en, leading = _FEATURE_TABLES[entity]
    return Output(f"features_{entity}", zh, en, "features", leading, features_of=entity)


# ---- the documents stage (bid files read and compared; only when the dataset lists bid files) ----
_TENDER = _col("tender_id", "VARCHAR", "招标编号", "tender id")
_BID_A = _col("bid_a", "VARCHAR", "投标甲", "bid A (the first of the pair)")
_BID_B = _col("bid_b", "VARCHAR", "投标乙", "bid B")
_COMPANY_A = _col("company_a", "VARCHAR", "投标人甲", "company of bid A")
_COMPANY_B = _col("company_b", "VARCHAR", "投标人乙", "company of bid B")
DOC_FILES = Output(
    "doc_files",
    "已读取的投标文件",
    "bid files read",
    "documents",
    (
        _col("document_id", "VARCHAR", "文件编号", "document id"),
        _col("bid_id", "VARCHAR", "投标编号", "bid id"),
        _TENDER,
        _col("company_id", "VARCHAR", "投标人", "bidder's company"),
        _col("kind", "VARCHAR", "文件类别（技术、商务、报价清单、资格、其他）", "contract kind of the file"),
        _col("file_kind", "VARCHAR", "文件格式：docx、pdf、txt", "file format: docx, pdf, txt"),
        _col("pages", "INTEGER", "页数（docx、txt 为 1）", "pages (1 for docx and txt)"),
        _col("chars", "INTEGER", "提取的字符数", "characters extracted"),
        _col("scanned", "BOOLEAN", "扫描件（无文字层，未做 OCR）", "a scan without a text layer (no OCR)"),
        _col("author", "VARCHAR", "作者", "author"),
        _col("last_modified_by", "VARCHAR", "最后修改人", "last modified by"),
        _col("company", "VARCHAR", "文件属性中的单位", "company field of the file"),
        _col("application", "VARCHAR", "生成软件", "creating application"),
        _col("template", "VARCHAR", "模板", "template"),
        _col("created", "TIMESTAMP", "创建时间", "created"),
        _col("modified", "TIMESTAMP", "修改时间", "modified"),
    ),
)
DOC_PAIRS = Output(
    "doc_pairs",
    "投标文件两两比对",
    "bid-file pairs compared",
    "documents",
    (
        _TENDER,
        _BID_A,
        _BID_B,
        _COMPANY_A,
        _COMPANY_B,
        _col(
            "jaccard",
            "DOUBLE",
            "去除招标文件内容后的文本相似度（Jaccard）",
            "Jaccard of the 5-gram sets, tender text removed",
        ),
        _col("containment", "DOUBLE", "共有片段占较短文件比例", "share of the shorter file's 5-grams in the other"),
        _col("shared_chars", "INTEGER", "共同段落总字数", "characters in shared passages"),
        _col("passages", "INTEGER", "共同段落数", "shared passages"),
        _col("longest_passage", "INTEGER", "最长共同段落字数", "characters of the longest shared passage"),
        _col(
            "rare_tokens",
            "VARCHAR[]",
            "共同的罕见写法（错别字、错误数字）",
            "shared rare spellings (typos, odd figures)",
        ),
        _col("same_price_structure", "BOOLEAN", "报价清单结构相同", "identical price-list structure"),
        _col("score", "DOUBLE", "综合相似度（0–1，docs/documents.md）", "combined similarity, 0–1 (docs/documents.md)"),
    ),
)
DOC_PASSAGES = Output(
    "doc_passages",
    "共同段落",
    "shared passages",
    "documents",
    (
        _TENDER,
        _BID_A,
        _BID_B,
        _col("rank", "INTEGER", "按长度×罕见度排序的名次", "rank by length × rarity"),
        _col("text", "VARCHAR", "段落原文（取自文件甲）", "the passage as in file A"),
        _col("chars", "INTEGER", "字数（规范化后）", "characters (normalised)"),
        _col("rarity", "DOUBLE", "罕见度：1 为其他招标的文件中均无", "rarity: 1 when no other tender's file has it"),
        _col("document_a", "VARCHAR", "文件甲", "file A"),
        _col("start_a", "INTEGER", "在文件甲中的起始字位置", "start in file A (character)"),
        _col("end_a", "INTEGER", "在文件甲中的结束字位置（不含）", "end in file A (exclusive)"),
        _col("document_b", "VARCHAR", "文件乙", "file B"),
        _col("start_b", "INTEGER", "在文件乙中的起始字位置", "start in file B"),
        _col("end_b", "INTEGER", "在文件乙中的结束字位置（不含）", "end in file B (exclusive)"),
    ),
)
DOC_META_LINKS = Output(
    "doc_meta_links",
    "相同的文件属性",
    "shared file properties",
    "documents",
    (
        _TENDER,
        _BID_A,
        _BID_B,
        _COMPANY_A,
        _COMPANY_B,
        _col(
            "field",
            "VARCHAR",
            "属性：author、last_modified_by、company、template",
            "property: author, last_modified_by, company, template",
        ),
        _col("value", "VARCHAR", "相同的值", "the shared value"),
    ),
)
DOC_MIXUPS = Output(
    "doc_mixups",
    "文件混装",
    "mixed-up files",
    "documents",
    (
        _TENDER,
        _col("bid_id", "VARCHAR", "投标编号", "bid id"),
        _col("company_id", "VARCHAR", "投标人", "bidder's company"),
        _col("document_id", "VARCHAR", "文件编号", "document id"),
        _col("named_bid_id", "VARCHAR", "被提及的投标", "bid of the bidder named"),
        _col("named_company_id", "VARCHAR", "文件中出现的其他投标人", "other bidder named"),
        _col("start", "INTEGER", "起始字位置（正文）", "start (character, in the text)"),
        _col("end", "INTEGER", "结束字位置（不含）", "end (exclusive)"),
        _col("snippet", "VARCHAR", "上下文或属性值", "context, or the property's value"),
        _col("place", "VARCHAR", "位置：正文或文件属性名", "where: text, or the file property (company, author, …)"),
    ),
)
DOC_SHARED_PEOPLE = Output(
    "doc_shared_people",
    "文件中的共同人员",
    "people named in two bidders' files",
    "documents",
    (
        _TENDER,
        _col("bid_a", "VARCHAR", "申报该人员的投标", "bid that declared the person"),
        _col("bid_b", "VARCHAR", "文件中出现该人员的投标", "bid whose file names the person"),
        _col("person_id", "VARCHAR", "人员", "person"),
        _col("name", "VARCHAR", "姓名", "name"),
        _col("document_id", "VARCHAR", "文件编号", "document id"),
    ),
)
DOCUMENT_OUTPUTS: tuple[Output, ...] = (
    DOC_FILES,
    DOC_PAIRS,
    DOC_PASSAGES,
    DOC_META_LINKS,
    DOC_MIXUPS,
    DOC_SHARED_PEOPLE,
)


#: Every table a run writes into the store, in the order the docs show them.
OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        PROJECT_SCORES,
        POST_SCORES,
        WARNINGS,
        QUARANTINE,
        *(_features(e) for e in _FEATURE_TABLES),
        FEATURE_NODES,
        RULE_CONFIRMATION,
        SCORING_MODEL,
        FEEDBACK,
        *DOCUMENT_OUTPUTS,
    )
}


def contract_outputs() -> list[Output]:
    """The contract's four Parquet outputs, the tables a run also writes under OUT."""
    return [o for o in OUTPUTS.values() if o.file]


def output_files() -> dict[str, str]:
    """Store table → its file under OUT."""
    return {o.name: o.file for o in contract_outputs() if o.file}


@dataclass(frozen=True)
class RunField:
    """One top-level field of ``OUT/run.json``, the run in numbers."""

    name: str
    type: str  # JSON type
    zh: str
    en: str


RUN_FILE = "run.json"
RUN_FIELDS: tuple[RunField, ...] = (
    RunField("dataset", "string", "数据集文件夹", "the dataset folder"),
    RunField("out", "string", "输出文件夹", "the output folder"),
    RunField("started_at", "string", "开始时间（ISO 8601）", "when the run started (ISO 8601)"),
    RunField("seconds", "object", "各阶段耗时（秒）", "seconds per stage"),
    RunField(
        "peak_memory_gib",
        "object",
        "各阶段结束时本进程的峰值内存（GiB）",
        "the process's peak resident memory at the end of each stage (GiB)",
    ),
    RunField(
        "load", "object", "每表读入、保留、隔离行数及原因", "rows read, kept and quarantined per table, and the reasons"
    ),
    RunField("features", "object", "特征族的行数、耗时与跳过的族", "feature families: rows, times, skipped ones"),
    RunField("rules", "object", "规则命中数与跳过的规则", "rule hits and skipped rules"),
    RunField(
        "scoring",
        "object",
        "模型来源、组合方式、阈值、候选及每条规则的证实率",
        "model source, combination, thresholds, candidates, each rule's confirmation",
    ),
    RunField("levels", "object", "各预警等级的项目数", "projects per level"),
    RunField("outputs", "object", "输出表 → 文件路径", "output table → file path"),
)
#: Fields a later command appends to ``run.json`` (``yunshao update``), absent after a plain run.
RUN_LATER_FIELDS: tuple[RunField, ...] = (
    RunField("updates", "array", "每次增量更新的记录", "one record per daily update"),
)
