"""Hostile input: random bytes and random MIME trees. The parser either reads a message or
says why not (Unparseable) — it never crashes — and whatever it cannot read ends in the
quarantine, never lost."""

from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.intake.mail.parser import ParsedMail, Unparseable, parse
from caseledger.intake.models import MailMessage, QuarantinedMessage

CHARSETS = ["utf-8", "gb2312", "gbk", "gb18030", "big5", "us-ascii", "iso-8859-1", "bogus", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "weird"]
TYPES = ["text/plain", "text/html", "application/octet-stream", "image/png",
         "message/delivery-status", "message/rfc822", "text/x-unknown"]  # fmt: skip
LIMITED = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

header_word = st.builds(
    lambda cs, enc, data: (
        f"=?{cs}?{enc}?{base64.b64encode(data).decode() if enc == 'B' else data.hex()}?="
    ),
    st.sampled_from(CHARSETS),
    st.sampled_from(["B", "Q", "X"]),
    st.binary(max_size=30),
)
header_value = st.lists(st.one_of(header_word, st.text(max_size=20)), max_size=3).map(" ".join)


def _leaf(ctype: str, charset: str, cte: str, body: bytes, filename: str | None) -> bytes:
    head = f"Content-Type: {ctype}; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n"
    if filename is not None:
        head += f'Content-Disposition: attachment; filename="{filename}"\r\n'
    if cte == "base64":
        body = base64.encodebytes(body)
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + body


def _multipart(subtype: str, children: list[bytes], boundary: str) -> bytes:
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    for child in children:
        out += f"--{boundary}\r\n".encode() + child + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


leaf = st.builds(
    _leaf,
    st.sampled_from(TYPES),
    st.sampled_from(CHARSETS),
    st.sampled_from(ENCODINGS),
    st.binary(max_size=200),
    st.one_of(st.none(), st.text(max_size=20).filter(lambda s: '"' not in s and "\r" not in s)),
)
mime_tree = st.recursive(
    leaf,
    lambda children: st.builds(
        _multipart,
        st.sampled_from(["mixed", "alternative", "related", "report"]),
        st.lists(children, min_size=0, max_size=4),
        st.text(alphabet="abcxyz0123456789", min_size=1, max_size=12),
    ),
    max_leaves=8,
)


def _message(sender: str, subject: str, extra: list[str], tree: bytes) -> bytes:
    lines = [f"From: {sender}", f"Subject: {subject}", *extra]
    head = "\r\n".join(lines).replace("\n", " ").replace("\r ", "\r\n ")
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + tree


message = st.builds(
    _message,
    st.one_of(st.emails(), header_value),
    header_value,
    st.lists(
        st.sampled_from(
            ["Auto-Submitted: auto-replied", "Precedence: bulk", "In-Reply-To: <x@y>",
             "References: <a@b> <c@d>", "Message-ID: <fixed@id>", "Date: not a date",
             "Date: Tue, 01 Dec 2026 09:30:00 +0800", "Message-ID: <" + "x" * 400 + "@long>"]
        ),
        max_size=3,
    ),
    mime_tree,
)  # fmt: skip


def _reads_or_says_why(raw: bytes) -> None:
    try:
        result = parse(raw)
    except Unparseable as refused:
        assert refused.reason
    else:
        assert isinstance(result, ParsedMail)
        assert result.message_id


@LIMITED
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_parser(raw):
    _reads_or_says_why(raw)


@LIMITED
@given(message)
def test_random_mime_trees_never_crash_the_parser(raw):
    _reads_or_says_why(raw)


@LIMITED
@given(st.one_of(message, st.binary(max_size=500)))
def test_every_message_ends_recorded_ignored_or_quarantined(mailbox, raw):
    from caseledger.intake.mail.receive import mail_receive

    result = mail_receive(actor=mailbox.intake_user, mailbox=mailbox, raw=raw, source="test")

    assert result.outcome in {"new_case", "threaded", "ignored", "duplicate", "quarantined"}
    try:
        parse(raw)
    except Unparseable:
        assert result.outcome in {"quarantined", "duplicate"}
        assert QuarantinedMessage.objects.filter(reason__gt="").exists()
    else:
        assert result.outcome != "quarantined" or QuarantinedMessage.objects.exists()
        if result.outcome != "quarantined":
            assert MailMessage.objects.filter(message_id=result.message_id).exists()
