"""The one error extraction raises, with a machine-readable reason, so a caller can quarantine a file
(and count files per reason) instead of losing the run to a traceback."""

from __future__ import annotations

REASONS = ("unreadable", "type", "file")


class DocumentError(Exception):
    """A file that cannot be read: ``reason`` is ``file`` (missing), ``type`` (unsupported extension) or
    ``unreadable`` (corrupt, encrypted, not what its extension says); ``detail`` says what was found."""

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
