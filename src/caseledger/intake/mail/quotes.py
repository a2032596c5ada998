"""What the sender wrote, without the history their mail program quoted under it.

Only the timeline note is trimmed: the whole message is always kept as an attachment, so
a wrong cut loses nothing. The markers are the ones English and Chinese mail programs
write (Gmail/Apple "On … wrote:", Outlook's "From:/Sent:" block and rule, QQ Mail and
Foxmail's "------------------ 原始邮件 ------------------", NetEase's "在 … 写道："), plus
lines quoted with ">".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded message|原始邮件|原始郵件|转发邮件|回复的原邮件)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
_WROTE = re.compile(r"^\s*(on\s.{1,300}\swrote:|在.{1,200}(写道|寫道)\s*[:：]?)\s*$", re.I | re.S)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_START = re.compile(r"^\s*\*?(from|发件人|寄件者|發件人)\*?\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|发送时间|日期|收件人|主题|抄送|寄件日期|主旨)\*?\s*[:：]",
    re.IGNORECASE,
)


def _cut_at(lines: list[str]) -> int:
    """The index of the first line of quoted history, or len(lines)."""
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line) or _RULE.match(line):
            return i
        if _WROTE.match(line):
            return i
        # "On Tue, 1 Dec 2026 at 10:00, Someone <a@b.c>" + "wrote:" on the next line.
        if (
            i + 1 < len(lines)
            and (line.strip().lower().startswith("on ") or line.strip().startswith("在"))
            and _WROTE.match(f"{line} {lines[i + 1].strip()}")
        ):
            return i
        if _HEADER_START.match(line) and any(
            _HEADER_NEXT.match(following) for following in lines[i + 1 : i + 5]
        ):
            return i
    return len(lines)


def strip_quoted(text: str) -> str:
    """The new part of a reply. Falls back to the whole text when nothing new is left (a
    message that is all quotation is still the customer's message)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [line for line in lines[: _cut_at(lines)] if not line.lstrip().startswith(">")]
    result = "\n".join(kept).strip()
    return result or text.strip()


class _Text(HTMLParser):
    _BLOCK = frozenset(
        {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "hr", "table"}
    )
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML-only message (many Chinese webmail clients send no
    text/plain part): block elements become line breaks, scripts and styles vanish."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
