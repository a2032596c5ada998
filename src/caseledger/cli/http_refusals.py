"""The answers gunicorn gives itself, before Django sees a request: a request line longer
than `limit_request_line` (414), headers beyond their limits (431), a request that is not
HTTP (400). gunicorn's own page is bare English HTML that repeats the parser's error; these
say in both languages what happened and what to do. Neither the path nor the
Accept-Language header was read (the request failed while being read), so the page is
bilingual and the same for the API; its status and the `X-Caseledger-Refusal` header are
what a program reads.

The limits are set in webserver.options: the request line at gunicorn's maximum (8190
bytes, like nginx's default buffer), so that any address a page or a search form makes is
answered by Django's own pages; beyond it the address cannot be meant."""

from __future__ import annotations

import html
from dataclasses import dataclass

from gunicorn.http import errors

LINE_LIMIT = 8190  # gunicorn's maximum apart from 0 (unlimited)


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    code: str
    zh_title: str
    zh_text: str
    en_title: str
    en_text: str


URI_TOO_LONG = Refusal(
    414,
    "URI Too Long",
    "uri_too_long",
    "地址太长",
    f"这个请求的地址超过了服务器接受的长度（{LINE_LIMIT} 字节）。请回到首页重新进入；"
    "如果是搜索或筛选条件太长，请缩短后再试。",
    "The address is too long",
    f"This request's address is longer than the server accepts ({LINE_LIMIT} bytes). Go "
    "back to the start page; if a search or filter made it this long, shorten it and try "
    "again.",
)
HEADERS_TOO_LARGE = Refusal(
    431,
    "Request Header Fields Too Large",
    "headers_too_large",
    "请求头太大",
    "浏览器发送的请求头（通常是 Cookie）太大或太多。请清除本站的 Cookie 后重新登录。",
    "The request's headers are too large",
    "The headers your browser sent (usually its cookies) are too large or too many. Clear "
    "this site's cookies and sign in again.",
)
BAD_REQUEST = Refusal(
    400,
    "Bad Request",
    "bad_request",
    "无法识别的请求",
    "服务器无法读取这个请求：它不是有效的 HTTP 请求。请回到首页重新进入。",
    "The request could not be read",
    "The server could not read this request: it is not valid HTTP. Go back to the start page.",
)

_BAD = (
    errors.InvalidRequestLine,
    errors.InvalidRequestMethod,
    errors.InvalidHTTPVersion,
    errors.InvalidHeader,
    errors.InvalidHeaderName,
    errors.ObsoleteFolding,
    errors.InvalidChunkSize,
    errors.ChunkMissingTerminator,
    errors.InvalidChunkExtension,
)
_RESPONSE_SIDE = (errors.InvalidResponseHeader, errors.InvalidResponseHeaderName)


def refusal_for(exc: BaseException) -> Refusal | None:
    """Ours for the client errors a visitor can cause; None leaves the rest (proxy
    protocol, TLS, a fault of the application) to gunicorn."""
    if isinstance(exc, _RESPONSE_SIDE):
        return None
    if isinstance(exc, errors.LimitRequestLine):
        return URI_TOO_LONG
    if isinstance(exc, errors.LimitRequestHeaders):
        return HEADERS_TOO_LARGE
    if isinstance(exc, _BAD):
        return BAD_REQUEST
    return None


def response_bytes(refusal: Refusal) -> bytes:
    e = html.escape
    body = (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(refusal.zh_title)} · {e(refusal.en_title)}</title></head>\n<body>"
        f"<h1>{e(refusal.zh_title)}</h1><p>{e(refusal.zh_text)}</p>"
        f'<h1 lang="en">{e(refusal.en_title)}</h1><p lang="en">{e(refusal.en_text)}</p>'
        f'<p><a href="/">首页 · Start page</a></p>'
        f"<p><small>HTTP {refusal.status} · {refusal.code}</small></p></body></html>\n"
    ).encode()
    head = (
        f"HTTP/1.1 {refusal.status} {refusal.reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Caseledger-Refusal: {refusal.code}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Content-Security-Policy: default-src 'none'\r\n"
        "Cache-Control: no-store\r\n"
        "\r\n"
    ).encode("ascii")
    return head + body
