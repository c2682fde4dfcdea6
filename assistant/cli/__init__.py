"""The ``newsdesk`` command: a thin shell over the same functions the API and UI call.

Exit codes: 0 when everything asked for was done; 1 when some sources failed to ingest
(the rest were stored) or a check found problems; 2 for a usage, configuration or
store error (nothing was changed).
"""

# Each module registers its commands; the import order is the order of --help.
from assistant.cli import library  # noqa: I001, F401
from assistant.cli import asking, checks, serving  # noqa: F401
from assistant.cli.app import app

__all__ = ["app"]
