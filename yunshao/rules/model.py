"""What a rule file must declare, checked field by field.

A rule is data (YAML plus SQL) so that inspectors' teams can read and add rules without Python; the
price is that a typo must be caught at start with the file and the field named, never at 2 a.m. in the
middle of a run. Every problem is a ``RuleError`` worded ``"<file>: <field>: <problem>"``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from yunshao.contract.schema import DOMAINS

Severity = Literal["red", "yellow"]
Entity = Literal["project", "tender", "post", "person", "company"]
Stage = Literal["detect", "escalate"]

#: Columns a rule's SQL may return besides its evidence; they address the warning, not describe it.
ADDRESS_COLUMNS = ("entity_id", "project_id", "post_id")
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,7}(-[A-Z0-9]{1,8}){1,3}$")
SCHEME = re.compile(r"^[a-z][a-z_]{2,40}$")
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
SQL_PARAM = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class RuleError(ValueError):
    """A rule that cannot be used; the message names its file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same words in both languages the service speaks."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class LegalBasis(_Strict):
    article: Text
    summary: Text


class GuideText(_Strict):
    """核查指引 in one language: what to check, how, and what to rule out before concluding."""

    what: str = Field(min_length=1)
    how: str = Field(min_length=1)
    rule_out: list[str] = Field(min_length=1)


class Guide(_Strict):
    zh: GuideText
    en: GuideText


class Param(_Strict):
    default: float | int | str
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Rule(_Strict):
    """One warning model (预警模型)."""

    id: str
    name: Text
    domain: list[str] = Field(min_length=1)
    scheme: str
    severity: Severity
    entity: Entity
    legal_basis: LegalBasis
    requires: list[str] = Field(min_length=1)
    optional: list[str] = Field(default_factory=list)  # contract tables read as empty when absent
    params: dict[str, Param] = Field(default_factory=dict)
    sql: str = Field(min_length=1)
    key: list[str] = Field(default_factory=list)
    guide: Guide
    stage: Stage = "detect"
    path: Path = Path("<memory>")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(f"'{value}' is not a rule id like BID-R40-3 (capitals, digits, dashes)")
        return value

    @field_validator("scheme")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if not SCHEME.match(value):
            raise ValueError(f"'{value}' is not a scheme code (lower case and underscores)")
        return value

    @field_validator("domain", mode="before")
    @classmethod
    def _domain(cls, value: object) -> object:
        values = [value] if isinstance(value, str) else value
        if isinstance(values, list):
            bad = [v for v in values if v not in (*DOMAINS, "all")]
            if bad:
                raise ValueError(f"{bad} not among {', '.join((*DOMAINS, 'all'))}")
        return values

    @field_validator("key")
    @classmethod
    def _key(cls, value: list[str]) -> list[str]:
        clash = [k for k in value if k in ADDRESS_COLUMNS]
        if clash:
            raise ValueError(f"{clash} are address columns, always part of the warning id already")
        return value

    def label(self, lang: str) -> str:
        return self.name.zh if lang == "zh" else self.name.en


def parse_rule(data: object, path: Path) -> Rule:
    """Validate a rule's YAML mapping; the first problem becomes a RuleError naming file and field."""
    if not isinstance(data, dict):
        raise RuleError(f"{path}: <root>: a rule file must hold a mapping of fields")
    try:
        rule = Rule.model_validate({**data, "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "<root>"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise RuleError(f"{path}: {where}: {err['msg']}{more}") from None
    if rule.id != path.stem and path.suffix in (".yaml", ".yml"):
        raise RuleError(f"{path}: id: '{rule.id}' differs from the file name '{path.stem}'")
    return rule
