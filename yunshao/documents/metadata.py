"""Metadata links: the same author, last editor, company or template in two bidders' files says one unit
or person compiled both (Article 40 (1)). Values every fresh Windows/Office/WPS install writes say nothing
and are ignored, as are values of the tender documents themselves (an agency's template is legitimate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from yunshao.documents.model import DocMeta

# Compared case-insensitively after trimming. Default user names of Windows/Office/WPS installs (including
# common pirated Chinese Windows builds), default templates, and placeholders.
GENERIC_META_VALUES = frozenset(
    {
        "",
        "administrator",
        "admin",
        "user",
        "users",
        "owner",
        "pc",
        "author",
        "unknown",
        "microsoft office user",
        "microsoft office 用户",
        "windows user",
        "windows 用户",
        "微软用户",
        "用户",
        "作者",
        "微软中国",
        "微软",
        "中国",
        "microsoft",
        "microsoft corporation",
        "microsoft china",
        "china",
        "chinese",
        "lenovo",
        "dell",
        "hp",
        "thinkpad",
        "sky123.org",
        "ylmf",
        "deepin",
        "walkinnet",
        "www.sky123.org",
        "微软公司",
        "normal.dotm",
        "normal.dot",
        "normal",
        "normal.wpt",
        "wps",
        "kingsoft",
        "金山",
    }
)

PERSON_FIELDS = ("author", "last_modified_by")
OTHER_FIELDS = ("company", "template")
#: properties in which another bidder's name is a mix-up (Article 40 (5)), not a shared value
MIXUP_FIELDS = ("company", "author", "last_modified_by")


def _key(value: str | None) -> str:
    return (value or "").strip().casefold()


def is_generic(value: str | None) -> bool:
    """True for an empty or default value that many unrelated computers write."""
    return _key(value) in GENERIC_META_VALUES


def meta_values(metas: Iterable[DocMeta]) -> dict[str, dict[str, str]]:
    """For each field group, the non-generic values of ``metas`` keyed by their comparison form, mapped to
    the first field that held them. Author and last editor are one group: A's author editing B's file is
    the same person."""
    out: dict[str, dict[str, str]] = {"person": {}, "company": {}, "template": {}}
    for meta in metas:
        for name in PERSON_FIELDS:
            value = getattr(meta, name)
            if not is_generic(value):
                out["person"].setdefault(_key(value), name)
        for name in OTHER_FIELDS:
            value = getattr(meta, name)
            if not is_generic(value):
                out[name].setdefault(_key(value), name)
    return out


def tender_values(metas: Iterable[DocMeta]) -> set[str]:
    """Every metadata value of the tender documents, in comparison form (all fields together)."""
    return {
        _key(getattr(meta, name))
        for meta in metas
        for name in (*PERSON_FIELDS, *OTHER_FIELDS, "application")
        if getattr(meta, name)
    }


def is_tender_value(value: str, tender: set[str]) -> bool:
    """Whether ``value`` is among the tender documents' metadata values (``tender_values``)."""
    return _key(value) in tender


def shared_values(a: Sequence[DocMeta], b: Sequence[DocMeta], excluded: set[str]) -> list[tuple[str, str]]:
    """``(field, value)`` for each non-generic value found in both ``a`` and ``b`` and not in ``excluded``;
    the value is given as written in ``a``'s first file that has it."""
    va, vb = meta_values(a), meta_values(b)
    originals: dict[str, str] = {}
    for meta in a:
        for name in (*PERSON_FIELDS, *OTHER_FIELDS):
            if getattr(meta, name):
                originals.setdefault(_key(getattr(meta, name)), getattr(meta, name).strip())
    out: list[tuple[str, str]] = []
    for group in ("person", "company", "template"):
        for key in sorted(set(va[group]) & set(vb[group]) - excluded):
            fields = sorted({va[group][key], vb[group][key]})
            out.append(("+".join(fields), originals.get(key, key)))
    return out
