"""The Chroma server stops while newsdesk serves: every route says so (503), none fails with a bare 500."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.services import Services
from tests.chroma_server import chroma_server
from tests.conftest import make_settings

STORY = {
    "title": "Ferry Fares Rise in July",
    "source": "Harbour Post",
    "published_at": "2025-06-20",
    "text": "Ferry fares on the island route rise by a tenth in July, the operator said on Friday.",
}


def test_every_route_says_the_store_is_unreachable_when_the_chroma_server_stops(tmp_path: Path) -> None:
    with chroma_server(tmp_path) as url:
        services = Services(make_settings(tmp_path / "data", chroma_url=url))
        client = TestClient(create_app(services))
        added = client.post("/v1/articles", json=STORY)
        assert added.status_code == 200, added.text
        [record] = client.get("/v1/articles").json()["articles"]
        assert client.post("/v1/ask", json={"question": "How much will ferry fares rise?"}).status_code == 200
    # the server is gone; the process keeps its models and indexes
    calls = {
        "ask": client.post("/v1/ask", json={"question": "How much will ferry fares rise?"}),
        "search": client.post("/v1/search", json={"query": "ferry fares"}),
        "chat": client.post(
            "/v1/chat/completions",
            json={"model": "newsdesk", "messages": [{"role": "user", "content": "How much will ferry fares rise?"}]},
        ),
        "list": client.get("/v1/articles"),
        "show": client.get(f"/v1/articles/{record['id']}"),
        "delete": client.delete(f"/v1/articles/{record['id']}"),
        "add": client.post("/v1/articles", json=STORY),
    }
    for name, response in calls.items():
        assert response.status_code == 503, (name, response.status_code, response.text)
        error = response.json()["error"]
        assert error["type"] == "store_unavailable", (name, error)
        assert "cannot reach the Chroma server" in error["message"], (name, error)
        # what it was doing, in words: "writing to collection 'x': ...", not "writing to: ..."
        assert f"collection {services.settings.collection!r}: cannot reach" in error["message"], (name, error)
    client.close()
