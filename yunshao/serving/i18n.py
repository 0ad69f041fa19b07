"""Words of the pages in Chinese (the default) and English.

Declared in ``messages/*.yaml`` (key → zh, en), one file per area of the pages so that each area keeps
its own words; a key declared twice, or without both languages, is an error at import.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from yunshao.contract.schema import ALL_NODES

LANGS = ("zh", "en")
MESSAGE_DIR = Path(__file__).with_name("messages")


def load_messages(folder: Path = MESSAGE_DIR) -> dict[str, dict[str, str]]:
    """lang → key → text, merged from every YAML file of ``folder``."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in origin:
                raise ValueError(f"{path.name}: message '{key}' is already declared in {origin[key]}")
            if not isinstance(texts, dict) or set(texts) != set(LANGS):
                raise ValueError(f"{path.name}: message '{key}' needs exactly: {', '.join(LANGS)}")
            origin[key] = path.name
            for lang in LANGS:
                merged[lang][key] = str(texts[lang])
    return merged


MESSAGES: dict[str, dict[str, str]] = load_messages()
ACTION_KEYS = {"submit": "submit_a"}


def node_name(code: str | None, lang: str) -> str:
    if not code or code not in ALL_NODES:
        return code or ""
    zh, en = ALL_NODES[code]
    return f"{code} {zh if lang == 'zh' else en}"


def action_name(action: str | None, lang: str) -> str:
    if not action:
        return ""
    return MESSAGES[lang].get(ACTION_KEYS.get(action, action), action)
