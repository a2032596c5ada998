"""Turning the bytes of Chinese (and other) mail into text.

Mail labelled GB2312 very often holds GBK characters (Outlook, Foxmail and webmail write
GBK under the older name), and GBK is a subset of GB18030: every GB label is decoded as
GB18030, so the label never loses a character. Big5 is decoded as Big5-HKSCS, its
superset, for the same reason. Text with no label, or a label that is wrong, is tried as
UTF-8, then GB18030, then Big5-HKSCS: the order in which Chinese mail is likely to be
written, and strict UTF-8 rarely accepts text that is really something else.
"""

from __future__ import annotations

import codecs
from email.errors import HeaderParseError
from email.header import Header, decode_header

_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "cp950": "big5hkscs",
    "unknown-8bit": "",
    "x-unknown": "",
    "us-ascii": "utf-8",  # ASCII mail with stray 8-bit bytes is nearly always UTF-8
    "ascii": "utf-8",
}
FALLBACKS = ("utf-8", "gb18030", "big5hkscs")


class Undecodable(ValueError):
    """No charset we know turns these bytes into text."""


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a mail charset label, or None when it names none we know."""
    if not charset:
        return None
    label = str(charset).strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """The text of `data`, decoded strictly by its label, else by the usual fallbacks."""
    tried = []
    codec = codec_for(charset)
    for name in (codec, *FALLBACKS):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise Undecodable(f"the text is not valid {charset or 'UTF-8'} (tried {', '.join(tried)})")


def decode_lenient(data: bytes, charset: str | None) -> str:
    """Like decode_bytes, but a header is never a reason to lose a message: what no
    charset decodes is shown with replacement characters."""
    try:
        return decode_bytes(data, charset)
    except Undecodable:
        return data.decode(codec_for(charset) or "utf-8", errors="replace")


def _raw_bytes(value: str) -> bytes:
    """A header the parser read as ASCII with surrogate escapes, back to its bytes."""
    return value.encode("ascii", errors="surrogateescape")


def header_text(value: object) -> str:
    """One header's text: RFC 2047 encoded words (base64 `?B?` and quoted-printable `?Q?`)
    in any charset, and raw 8-bit headers, which some mailers still write in GBK."""
    if value is None:
        return ""
    if isinstance(value, Header):
        # The only way to reach a raw 8-bit header's bytes (email.header keeps them there).
        chunks = getattr(value, "_chunks", [])
        parts: list[tuple[bytes | str, str | None]] = []
        for text, charset in chunks:
            name = str(charset)
            if name == "unknown-8bit" and isinstance(text, str):
                parts.append((_raw_bytes(text), None))
            else:
                parts.extend(_decode_words(text))
    else:
        parts = _decode_words(str(value))
    out = []
    for piece, charset in parts:
        if isinstance(piece, bytes):
            out.append(decode_lenient(piece, charset))
        else:
            out.append(piece)
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = decode_lenient(_raw_bytes(text), None)
    return " ".join(text.split())


def _decode_words(text: str) -> list[tuple[bytes | str, str | None]]:
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return [(_raw_bytes(text), None)]
    try:
        found = decode_header(text)
    except (HeaderParseError, ValueError, AssertionError):
        return [(text, None)]
    if len(found) == 1 and isinstance(found[0][0], str):
        return [(found[0][0], None)]
    # decode_header keeps the spaces of the plain parts and drops the space between two
    # encoded words, as RFC 2047 says: the pieces join with nothing between them.
    return list(found)
