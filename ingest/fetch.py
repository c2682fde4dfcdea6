"""Fetching URLs safely: public addresses only (unless allowed), bounded size, time and redirects.

Every hop is resolved, checked, and then connected to at the address that was checked
(the request is pinned to it, with the original Host header and TLS server name), so a
DNS answer that changes between the check and the connection cannot reach an internal
address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from assistant.config import Settings
from assistant.errors import FetchError

logger = logging.getLogger(__name__)

USER_AGENT = "newsdesk/0.1 (news question answering; +https://example.invalid/newsdesk)"
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}


@dataclass(frozen=True)
class Fetched:
    """A fetched response: the final URL, its content type and body."""

    url: str
    content_type: str
    body: bytes


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def _allowed(host: str, settings: Settings) -> bool:
    return host.lower().strip("[]") in settings.fetch_allow_hosts


def resolve_checked(host: str, port: int, settings: Settings) -> str:
    """An address for ``host`` that may be fetched, or :class:`FetchError` saying why not."""
    host = host.lower().strip("[]")
    allowed = _allowed(host, settings)
    if not allowed and host in _METADATA_HOSTS:
        raise FetchError(f"refusing to fetch from {host!r}: cloud metadata host")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not allowed and not _is_public(address):
            raise FetchError(
                f"refusing to fetch from {host!r}: it resolves to {address}, a loopback, private, link-local or "
                "metadata address; add the host to NEWSDESK_FETCH_ALLOW_HOSTS to allow it"
            )
    return addresses[0]


def fetch_url(
    url: str,
    settings: Settings,
    accept: str = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
) -> Fetched:
    """GET ``url`` within the configured limits, following redirects only to allowed addresses."""
    deadline = time.monotonic() + settings.fetch_timeout
    current = url
    for _hop in range(settings.fetch_max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"refusing to fetch {current!r}: only http and https URLs are fetched")
        if not parts.hostname:
            raise FetchError(f"not a URL with a host: {current!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve_checked(parts.hostname, port, settings)
        pinned_host = f"[{address}]" if ":" in address else address
        target = urlunsplit((parts.scheme, f"{pinned_host}:{port}", parts.path or "/", parts.query, ""))
        host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        if ":" in parts.hostname:
            host_header = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        remaining = max(0.1, deadline - time.monotonic())
        logger.info("fetch %s (%s)", current, address)
        try:
            with httpx.Client(timeout=httpx.Timeout(remaining), follow_redirects=False, trust_env=False) as client:
                request = client.build_request(
                    "GET",
                    target,
                    headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": accept},
                    extensions=extensions,
                )
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"redirect without a Location from {current!r}")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code} from {current!r}")
                    body = _read_bounded(response, settings.fetch_max_bytes, deadline, current)
                    return Fetched(current, response.headers.get("content-type", ""), body)
                finally:
                    response.close()
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {current!r} (limit {settings.fetch_timeout:g} s)") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {current!r}: {exc}") from exc
    raise FetchError(f"too many redirects fetching {url!r} (limit {settings.fetch_max_redirects})")


def _read_bounded(response: httpx.Response, limit: int, deadline: float, url: str) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"response from {url!r} too large: {int(declared):,} bytes, the limit is {limit:,}")
    parts: list[bytes] = []
    size = 0
    for piece in response.iter_bytes():
        size += len(piece)
        if size > limit:
            raise FetchError(f"response from {url!r} too large: over {limit:,} bytes (NEWSDESK_FETCH_MAX_BYTES)")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out fetching {url!r}")
        parts.append(piece)
    return b"".join(parts)
