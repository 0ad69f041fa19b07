"""Errors that stop a run: they name the file (and column) so the source system knows what to fix."""


class ContractError(Exception):
    """A dataset that cannot be read at all: missing folder, missing required table, unreadable file."""
