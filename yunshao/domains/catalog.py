"""Read and check the power-item declarations (权力事项): one YAML file per domain.

A domain's node codes, their legal order, which nodes must be approved before which, who approves a node
and the amounts that change what the law asks are data, so that a county adds a power item by dropping a
file into a folder, without Python or SQL. The price is that a typo must stop the run at start with the
file and the field named: every problem is a ``DomainError`` worded ``"<file>: <field>: <problem>"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

#: The shipped declarations: the trails of the contract.
CATALOG = Path(__file__).parent / "catalog"
#: The order of the shipped files: the contract's domain order, which the simulator and the models index.
SHIPPED = ("construction", "investment", "land", "procurement", "subsidy", "housing", "assets", "funds", "finance")
DOMAIN_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
NODE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
#: libyaml's loader when built: the contract reads the declarations at import, on every command.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: project_sequence.sql pivots the trail by legal rank into this many columns (no window over the events).
MAX_NODES = 20


class DomainError(ValueError):
    """A declaration that cannot be used; the message names its file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same words in both languages the service speaks."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Node(_Strict):
    """One node of the trail. ``optional`` nodes repeat or may be absent (change orders, progress payments)."""

    code: str
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    stage: str | None = None  # defaults to the domain's id; ``tendering`` marks the tendering stage
    optional: bool = False
    #: where money, a beneficiary or a winner is decided: a post approving here answers for the outcome
    #: (training/posts.py weighs it fully, other nodes a quarter)
    decisive: bool = False
    #: what shows the node was done when another node needs it: an ``approval`` (an approving post's
    #: ``approve`` row), or a ``record`` for steps nobody approves — a public notice posted, an application
    #: filed — where a submitted (or approved) row is the proof
    proof: Literal["approval", "record"] = "approval"

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not NODE_CODE.match(value):
            raise ValueError(f"'{value}' is not a node code like C04 (a capital, then capitals or digits)")
        return value


class Prerequisite(_Strict):
    """A node that must be approved first; with ``min_amount`` only for projects whose budget reaches it."""

    node: str
    min_amount: str | None = None  # the name of one of the domain's thresholds


class Approver(_Strict):
    """Whose approval a node is: the kind of unit, whether the unit's head, and the post in words."""

    unit_kind: str | None = None
    head: bool = False
    post: Text


class Threshold(_Strict):
    """A named number the law or local rules set; its default and where the default comes from."""

    value: float
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Domain(_Strict):
    """One power item (权力事项): a project domain and its trail."""

    id: str
    name: Text
    nodes: list[Node] = Field(min_length=1, max_length=MAX_NODES)
    prerequisites: dict[str, list[str | Prerequisite]] = Field(default_factory=dict)
    approvers: dict[str, Approver] = Field(default_factory=dict)
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    exempt_categories: list[str] = Field(default_factory=list)  # project categories the prerequisites spare
    path: Path = Path("<memory>")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not DOMAIN_ID.match(value):
            raise ValueError(f"'{value}' is not a domain id (lower case, digits and underscores)")
        return value

    @field_validator("thresholds")
    @classmethod
    def _threshold_names(cls, value: dict[str, Threshold]) -> dict[str, Threshold]:
        bad = [k for k in value if not NAME.match(k)]
        if bad:
            raise ValueError(f"{bad} are not names (lower case, digits and underscores)")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Domain:
        """Every code named is a node of this domain, once; the contract tells domains apart by the letter."""
        codes = [n.code for n in self.nodes]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"nodes: {', '.join(twice)} declared twice")
        letters = sorted({c[0] for c in codes})
        if len(letters) > 1:
            raise ValueError(f"nodes: codes of one domain must share their first letter, got {', '.join(letters)}")
        for field_name, named in (("prerequisites", self.prerequisites), ("approvers", self.approvers)):
            unknown = sorted(set(named) - set(codes))
            if unknown:
                raise ValueError(f"{field_name}: {', '.join(unknown)} not among the nodes")
        for node, needs in self.prerequisites.items():
            for need in (as_prerequisite(n) for n in needs):
                if need.node not in codes:
                    raise ValueError(f"prerequisites.{node}: {need.node} not among the nodes")
                if need.node == node:
                    raise ValueError(f"prerequisites.{node}: a node cannot need itself")
                if need.min_amount is not None and need.min_amount not in self.thresholds:
                    raise ValueError(f"prerequisites.{node}: min_amount '{need.min_amount}' not among the thresholds")
        return self

    @property
    def letter(self) -> str:
        return self.nodes[0].code[0]

    def needs(self) -> list[tuple[str, Prerequisite]]:
        """(node, prerequisite) pairs in declaration order."""
        return [(node, as_prerequisite(n)) for node, needs in self.prerequisites.items() for n in needs]


def as_prerequisite(value: str | Prerequisite) -> Prerequisite:
    return value if isinstance(value, Prerequisite) else Prerequisite(node=value)


@dataclass(frozen=True)
class Declarations:
    """The active domains, in order: the shipped ones first, then new ids from the user's folders."""

    domains: tuple[Domain, ...]

    def get(self, domain_id: str) -> Domain:
        return next(d for d in self.domains if d.id == domain_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.domains)

    def nodes_by_domain(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Domain → node code → (zh, en), in legal order: the contract's shape of the node vocabulary."""
        return {d.id: {n.code: (n.zh, n.en) for n in d.nodes} for d in self.domains}

    def decisive_nodes(self) -> tuple[str, ...]:
        """Node codes declared ``decisive``, in domain and legal order."""
        return tuple(n.code for d in self.domains for n in d.nodes if n.decisive)

    def thresholds(self, overrides: Mapping[str, Mapping[str, float]] | None = None) -> dict[tuple[str, str], float]:
        """(domain, name) → value: the declared defaults with the region's ``overrides`` over them."""
        values = {(d.id, k): t.value for d in self.domains for k, t in d.thresholds.items()}
        for domain_id, named in (overrides or {}).items():
            for name, value in named.items():
                if (domain_id, name) not in values:
                    known = ", ".join(f"{d}.{n}" for d, n in values) or "none"
                    raise DomainError(
                        f"settings.domains.thresholds.{domain_id}.{name}: no such declared threshold; known: {known}"
                    )
                values[(domain_id, name)] = float(value)
        return values


def read_domain_file(path: Path) -> Domain:
    """One declaration file, validated; the first problem becomes a DomainError naming file and field."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"{path}: <file>: cannot be read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "<root>"
        raise DomainError(f"{path}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise DomainError(f"{path}: <root>: a declaration must hold a mapping of fields")
    try:
        domain = Domain.model_validate({**data, "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "<root>"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        raise DomainError(f"{path}: {where}: {message}{more}") from None
    if domain.id != path.stem:
        raise DomainError(f"{path}: id: '{domain.id}' differs from the file name '{path.stem}'")
    return domain


def domain_files(folder: Path) -> list[Path]:
    """The declaration files of a folder (not its subfolders), in name order."""
    if not folder.is_dir():
        raise DomainError(f"{folder}: <folder>: not a folder of domain declarations")
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_domains(dirs: Sequence[Path | str] = ()) -> Declarations:
    """The shipped declarations plus the user's folders: the same id overrides, a new id adds a domain."""
    stamp = tuple((str(p), p.stat().st_mtime_ns) for d in dirs for p in domain_files(Path(d)))
    return _load(stamp)


@lru_cache(maxsize=8)
def _load(stamp: tuple[tuple[str, int], ...]) -> Declarations:
    """Unchanged files are read once per process (the contract, the features and the rules all ask)."""
    files = {p.stem: p for p in domain_files(CATALOG)}
    if set(files) != set(SHIPPED):
        raise DomainError(f"{CATALOG}: <folder>: holds {sorted(files)}, catalog.SHIPPED names {sorted(SHIPPED)}")
    shipped = [read_domain_file(files[d]) for d in SHIPPED]
    order = {d.id: d for d in _by_letter(shipped)}
    for path in (Path(p) for p, _ in stamp):
        domain = read_domain_file(path)
        order[domain.id] = domain
    return Declarations(tuple(_by_letter(list(order.values()))))


def _by_letter(domains: list[Domain]) -> list[Domain]:
    """Refuse two domains whose codes share a letter or a code: the contract could not tell them apart."""
    seen: dict[str, Domain] = {}
    for domain in domains:
        other = seen.get(domain.letter)
        if other is not None and other.id != domain.id:
            raise DomainError(
                f"{domain.path}: nodes: codes start with {domain.letter}, as those of '{other.id}' "
                f"({other.path}) do; each domain needs its own letter"
            )
        seen[domain.letter] = domain
    return domains


def shipped_domains() -> Declarations:
    """The declarations shipped with yunshao: the contract's own vocabulary."""
    return load_domains()
