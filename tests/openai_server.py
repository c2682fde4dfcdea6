"""A small server on loopback that speaks OpenAI's chat-completions protocol, scripted by tests.

Each request takes the next scripted reply: text (plain or streamed as server-sent
events, as the client asks), an HTTP error status, or a delay. A streamed reply may come
with reasoning in a delta field of its own, and may end early. Requests are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay: float = 0.0
    finish: str = "stop"  # the finish_reason sent ("length": cut off at the model's output limit)
    reasoning: str = ""  # streamed before the text in a delta field of its own, as vLLM, DeepSeek, Ollama send it
    reasoning_field: str = "reasoning_content"  # or "reasoning" (Ollama, OpenRouter, newer vLLM)
    # how a streamed reply ends: "done" (a finish_reason, then [DONE]); "closed" (the body just ends after
    # the text, no finish_reason, no [DONE]: a proxy or server closing it); "broken" (a chunked body cut off)
    ends: str = "done"


@dataclass
class ScriptedLLM:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else Reply("(no scripted reply)")


def _chunks(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


@contextmanager
def openai_server(*replies: Reply) -> Iterator[ScriptedLLM]:
    """Serve on a free loopback port; ``.base_url`` ends in ``/v1``."""
    script = ScriptedLLM(list(replies))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        _chunked = False  # whether the streamed body is sent in chunks (Transfer-Encoding: chunked)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            script.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
            reply = script.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            if reply.status != 200:
                return self._json(
                    reply.status, {"error": {"message": f"scripted {reply.status}", "type": "server_error"}}
                )
            created = int(time.time())
            if body.get("stream"):
                self._chunked = reply.ends == "broken"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                if self._chunked:
                    self.send_header("Transfer-Encoding", "chunked")  # cut off below, without its last, empty chunk
                else:
                    self.send_header("Connection", "close")  # the body ends when the connection does
                self.end_headers()
                deltas = (
                    [{reply.reasoning_field: piece} for piece in _chunks(reply.reasoning)] if reply.reasoning else []
                )
                deltas += [{"content": piece} for piece in _chunks(reply.text)]
                for delta in deltas:
                    self._event(self._completion_chunk(body, created, delta, None))
                if reply.ends == "done":
                    self._event(self._completion_chunk(body, created, {}, reply.finish))
                    self._write(b"data: [DONE]\n\n")
                self.close_connection = True
                return None
            return self._json(
                200,
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": created,
                    "model": body.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.text}
                            | ({reply.reasoning_field: reply.reasoning} if reply.reasoning else {}),
                            "finish_reason": reply.finish,
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                },
            )

        def _completion_chunk(
            self, body: dict[str, Any], created: int, delta: dict[str, Any], finish: str | None
        ) -> dict[str, Any]:
            return {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": created,
                "model": body.get("model"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        def _event(self, payload: dict[str, Any]) -> None:
            self._write(f"data: {json.dumps(payload)}\n\n".encode())

        def _write(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n" if self._chunked else data)
            self.wfile.flush()

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
