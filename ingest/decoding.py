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


# Labels that mean windows-1252 to a browser (the WHATWG Encoding Standard): pages labelled
# ISO-8859-1 or ASCII are, in practice, written in windows-1252, whose € ‘ ’ “ ” – — sit in
# the bytes 0x80-0x9F that ISO-8859-1 gives to invisible control characters.
_WINDOWS_1252_LABELS = {
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
    "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
    "x-cp1252", "latin-1",
}  # fmt: skip


def codec_for_label(label: str) -> str | None:
    """The Python codec for a charset label as a browser reads it (ISO-8859-1 and ASCII are
    windows-1252), or None for a label no codec answers to."""
    name = label.strip().strip("\"'").lower()
    if name in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_labelled(data: bytes, label: str) -> str | None:
    """``data`` decoded by its charset label (unknown bytes replaced), or None for an unknown label."""
    codec = codec_for_label(label)
    return data.decode(codec, errors="replace") if codec else None


def charset_of(content_type: str) -> str | None:
    """The charset an HTTP Content-Type gives ("text/html; charset=windows-1252"), if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip()
    return None


def looks_like_html(text: str) -> bool:
    """True for a document that is HTML rather than text with a stray '<'."""
    head = text.lstrip()[:2048].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head or "<head" in head or "<article" in head)
