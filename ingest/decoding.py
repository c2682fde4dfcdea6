"""Bytes to text, refusing what is not text: empty, binary, undecodable."""

from __future__ import annotations

import codecs

from assistant.errors import IngestError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (or UTF-16/32 with a BOM); raise :class:`IngestError` saying why not."""
    if not data.strip():
        raise IngestError("empty file: no text to ingest")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"not valid {encoding.upper()} text despite its byte-order mark: {exc.reason}"
                ) from exc
    head = data[:8192]
    if b"\x00" in head:
        raise IngestError(
            "binary content (NUL bytes); if this is UTF-16 text, save it as UTF-8 (or add a byte-order mark)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); convert the file to UTF-8"
        ) from exc


def looks_like_html(text: str) -> bool:
    """True for a document that is HTML rather than text with a stray '<'."""
    head = text.lstrip()[:2048].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head or "<head" in head or "<article" in head)
