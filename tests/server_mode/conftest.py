"""Server-mode fixtures: the run's Chroma server, or one started for the session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.chroma_server import chroma_server


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Chroma server: the run's (NEWSDESK_CHROMA_URL), else one of this session's own."""
    given = os.environ.get("NEWSDESK_CHROMA_URL")
    if given:
        yield given
        return
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url
