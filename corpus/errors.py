"""Errors with a Vietnamese message a user can act on; adapters print ``str(err)``."""

from __future__ import annotations


class QAError(Exception):
    """Base for every error whose message is meant for the user (in Vietnamese)."""


class CorpusError(QAError):
    """The corpus folder or a document in it cannot be read."""


class InputError(QAError):
    """The user's question or option is not usable."""


class IndexStateError(QAError):
    """The index is missing, stale or damaged; the message says how to rebuild."""


class StorageError(QAError):
    """A file could not be written (full disk, no permission, read-only folder)."""
