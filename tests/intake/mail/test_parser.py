"""The parser on its own: headers in the charsets of Chinese mail, quoted history, and the
reasons it gives for what it cannot read."""

from __future__ import annotations

import pytest

from caseledger.intake.mail.charsets import codec_for, header_text
from caseledger.intake.mail.parser import Unparseable, parse
from caseledger.intake.mail.quotes import html_to_text, strip_quoted


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ("=?gb2312?B?zbbL3w==?=", "投诉"),
        ("=?GBK?Q?=CD=B6=CB=DF?=", "投诉"),
        ("=?gb18030?B?zbbL3w==?= =?utf-8?B?5pS56L+b?=", "投诉改进"),
        ("=?big5?B?p+u2RA==?=", "投訴"),
        ("Re: =?utf-8?Q?=E9=80=80=E6=AC=BE?= [CL-2026-000001]", "Re: 退款 [CL-2026-000001]"),
        ("=?unknown-charset?B?5pS56L+b?=", "改进"),  # an unknown label: the fallbacks decode it
    ],
)
def test_encoded_word_headers_decode(header, text):
    assert header_text(header) == text


def test_gb_labels_decode_as_gb18030_and_big5_as_hkscs():
    assert codec_for("GB2312") == codec_for("gbk") == codec_for("x-gbk") == "gb18030"
    assert codec_for('"big5"') == "big5hkscs"
    assert codec_for("no-such-charset") is None


def test_a_raw_8bit_gbk_subject_decodes():
    raw = "Subject: 退货\r\nFrom: a@example.cn\r\n\r\nhi".encode("gbk")
    assert parse(raw).subject == "退货"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yes please.\n\nOn Tue, 1 Dec 2026 at 10:00, Shop <s@x.cn> wrote:\n> old", "Yes please."),
        ("Yes please.\n\nOn Tue, 1 Dec 2026 at 10:00, Shop <s@x.cn>\nwrote:\n> old", "Yes please."),
        ("好的\n\n在 2026年12月1日 10:00，客服 写道：\n> 旧的", "好的"),
        ("好的\n------------------ 原始邮件 ------------------\n发件人: x", "好的"),
        ("ok\n-----Original Message-----\nFrom: a\nSent: b", "ok"),
        ("ok\n\nFrom: Shop\nSent: Tuesday\nTo: me\nSubject: x\nold", "ok"),
        ("> only a quotation", "> only a quotation"),  # nothing new: the whole text stays
    ],
)
def test_quoted_history_is_cut(text, kept):
    assert strip_quoted(text) == kept


def test_html_only_mail_becomes_text():
    html = "<style>p{}</style><div>第一行</div><div>第二行<br>第三行</div><script>x()</script>"
    assert html_to_text(html) == "第一行\n\n第二行\n第三行"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"Subject: hi\r\n\r\nbody", "sender"),
        (
            b"From: a@b.cn\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe\xfd\x80",
            "decoded",
        ),
    ],
)
def test_what_cannot_be_read_says_why(raw, reason):
    with pytest.raises(Unparseable, match=reason):
        parse(raw)


def test_a_bounce_without_a_sender_is_still_only_a_bounce():
    raw = (
        b"Subject: failure\r\nContent-Type: multipart/report; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: message/delivery-status\r\n\r\nAction: failed\r\n--b--\r\n"
    )
    assert "bounce" in parse(raw).automatic


def test_a_sender_name_with_a_comma_keeps_its_address():
    raw = b"From: =?utf-8?B?5byg77yMIFNhbiwgWmhhbmc=?= <zs@example.cn>\r\n\r\nhi"
    parsed = parse(raw)
    assert (parsed.sender_name, parsed.sender) == ("张， San, Zhang", "zs@example.cn")
