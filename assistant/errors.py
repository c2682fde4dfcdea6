"""The errors newsdesk raises, one tree, translated to messages only at the edges.

    NewsdeskError
    ├── ConfigError               a setting is missing or invalid
    ├── UnknownBackendError       a registry has no entry by that name
    ├── StoreError                Chroma cannot be reached or used
    │   ├── EmbeddingModelMismatch  the collection was built with another model
    │   ├── WriterLeaseLost         another writer took this one's lease over: it writes no more
    │   └── StoreBusy               another writer held the store longer than this write waits
    ├── IngestError               one source could not be ingested (lands in `failed`)
    │   └── FetchError            a URL could not be fetched, or is not allowed
    ├── NotFoundError             no article with that id
    ├── InvalidRequestError       a question or option is malformed
    └── AnswererError             the answering backend failed (LLM endpoint down, ...)

The CLI turns them into a message and an exit code, the HTTP API into a status
code and a JSON body; nothing else catches them.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """A setting is missing or invalid; the message says how to fix it."""


class UnknownBackendError(ConfigError):
    """A backend name is not in its registry; the message lists the valid names."""

    def __init__(self, kind: str, name: str, valid: list[str]) -> None:
        self.kind, self.name, self.valid = kind, name, valid
        super().__init__(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(valid))}")


class StoreError(NewsdeskError):
    """The vector store cannot be reached or used."""


class EmbeddingModelMismatch(StoreError):
    """The collection holds vectors from another embedding model."""


class WriterLeaseLost(StoreError):
    """This writer's lease on a Chroma server ran out and may be another's: it stopped before its next write."""


class StoreBusy(StoreError):
    """Another writer held the store longer than this write waits for its turn (an API or UI write)."""


class IngestError(NewsdeskError):
    """One source could not be ingested; the batch goes on."""


class FetchError(IngestError):
    """A URL could not be fetched, or fetching it is not allowed."""


class NotFoundError(NewsdeskError):
    """No article has that id."""


class InvalidRequestError(NewsdeskError):
    """A question, filter or option is malformed."""


class AnswererError(NewsdeskError):
    """The answering backend failed (endpoint unreachable, timed out, refused)."""
