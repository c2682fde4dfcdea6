"""Who may call the API, and where it may listen.

- ``NEWSDESK_API_KEY`` set: every ``/v1`` route needs ``Authorization: Bearer <key>``
  (401 otherwise), and the UI asks for the key as its password.
- Listening on an address other than loopback with no key is refused unless the
  operator says so explicitly (``newsdesk serve --allow-public``).
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.services import Services


def current_services(request: Request) -> Services:
    """The services the app was created with."""
    services: Services = request.app.state.services
    return services


def api_key_of(settings: Settings) -> str | None:
    """The configured API key, or None when the API is open (an empty key counts as unset)."""
    if settings.api_key is None:
        return None
    return settings.api_key.get_secret_value() or None


def key_matches(given: str, expected: str) -> bool:
    """Compare a presented key with the expected one in constant time."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_api_key(request: Request, services: Services = Depends(current_services)) -> None:
    """Refuse the request (401) unless it carries the API key, when one is configured."""
    expected = api_key_of(services.settings)
    if expected is None:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "this server needs an API key: send the header 'Authorization: Bearer <NEWSDESK_API_KEY>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not key_matches(token.strip(), expected):
        raise HTTPException(401, "the API key is not valid", headers={"WWW-Authenticate": "Bearer"})


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind_address(host: str, settings: Settings, allow_public: bool) -> None:
    """Refuse to listen beyond loopback with no API key, unless explicitly allowed."""
    if is_loopback(host) or allow_public or api_key_of(settings):
        return
    raise ConfigError(
        f"refusing to serve on {host!r} without an API key: anyone who can reach it could read, add and delete "
        "articles. Set NEWSDESK_API_KEY, or pass --allow-public to serve it open, or use --host 127.0.0.1"
    )
