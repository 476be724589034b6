"""Hostile and odd mail, generated here: each with the outcome it must get (never an
exception, never a lost message)."""

import base64

from tests.mailin.conftest import PDF, message

OFFICER = "officer1@example.org"


def _head(sender=OFFICER, subject="Late fees", extra=""):
    return (
        f"From: {sender}\r\nTo: help@exams-portal.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <hostile-{abs(hash(subject)) % 10**8}@school.example>\r\n{extra}"
    ).encode()


def many_parts(count: int) -> bytes:
    parts = b"".join(
        b"--B\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(count)
    )
    return (
        _head(extra='MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n')
        + b"\r\n"
        + parts
        + b"--B--\r\n"
    )


def nested_parts(depth: int) -> bytes:
    body = b"innermost\r\n"
    for level in range(depth):
        boundary = b"L%d" % level
        body = (
            (
                b"--"
                + boundary
                + b'\r\nContent-Type: multipart/mixed; boundary="L%d"\r\n\r\n' % (level - 1)
                + body
                + b"\r\n--"
                + boundary
                + b"--\r\n"
            )
            if level
            else (b"--L0\r\nContent-Type: text/plain\r\n\r\n" + body + b"--L0--\r\n")
        )
    top = b"L%d" % (depth - 1)
    return (
        _head(
            extra="MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/mixed; boundary="{top.decode()}"\r\n'
        )
        + b"\r\n"
        + body
    )


def encoded(text: str) -> str:
    return "=?utf-8?B?" + base64.b64encode(text.encode()).decode() + "?="


# name: (raw bytes, the status it must end in)
CORPUS = {
    "empty": (b"", "failed"),
    "only_blank_lines": (b"\r\n\r\n\r\n", "failed"),
    "binary_noise": (bytes(range(256)) * 4, "failed"),
    "no_headers_only_text": (b"hello, is anyone there?\n", "failed"),
    "nul_bytes_everywhere": (
        _head(subject="Late\x00 fees") + b"\r\nPer entry\x00 or per\x00 candidate?\r\n",
        "opened",
    ),
    "unknown_charset": (
        _head(extra='Content-Type: text/plain; charset="x-no-such-charset-999"\r\n')
        + b"\r\nSome text \xff\xfe in no known charset.\r\n",
        "opened",
    ),
    "codec_that_is_no_text_encoding": (
        _head(extra="Content-Type: text/plain; charset=rot13\r\n") + b"\r\nGur grkg.\r\n",
        "opened",
    ),
    "base64_charset": (
        _head(extra="Content-Type: text/plain; charset=base64\r\n") + b"\r\naGVsbG8=\r\n",
        "opened",
    ),
    "encoded_word_unknown_charset": (
        _head(subject="=?x-unknown?B?SGVsbG8=?= late fees") + b"\r\nText.\r\n",
        "opened",
    ),
    "broken_base64_body": (
        _head(extra="Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n")
        + b"\r\n!!!this is not base64@@@\r\n",
        "opened",
    ),
    "multipart_without_boundary": (
        _head(extra="MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n")
        + b"\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n",
        "opened",
    ),
    "multipart_never_closed": (
        _head(extra='MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="Z"\r\n')
        + b"\r\n--Z\r\nContent-Type: text/plain\r\n\r\nhello\r\n--Z\r\nContent-Type: appl",
        "opened",
    ),
    "ten_thousand_parts": (many_parts(10_000), "refused"),
    "nested_two_thousand_deep": (nested_parts(2_000), "refused"),
    "header_injection_in_subject": (
        _head(subject=encoded("Late fees\r\nBcc: victim@example.net")) + b"\r\nText.\r\n",
        "opened",
    ),
    "header_injection_in_message_id": (
        b"From: officer1@example.org\r\nSubject: Late\r\n"
        b"Message-ID: <a@b>\r\n\tBcc: victim@example.net\r\n\r\nText.\r\n",
        "opened",
    ),
    "header_injection_in_from": (
        _head(sender=encoded("officer1@example.org\r\nBcc: victim@example.net")) + b"\r\nText.\r\n",
        "ignored",
    ),
    "no_sender_at_all": (b"Subject: hello\r\n\r\nWho am I?\r\n", "ignored"),
    "one_megabyte_header_line": (
        _head(subject="x" * 1_000_000) + b"\r\nText.\r\n",
        "opened",
    ),
    "auto_submitted": (
        _head(extra="Auto-Submitted: auto-replied\r\n") + b"\r\nI am out of the office.\r\n",
        "ignored",
    ),
    "precedence_bulk": (_head(extra="Precedence: bulk\r\n") + b"\r\nNewsletter.\r\n", "ignored"),
    "precedence_list": (_head(extra="Precedence: list\r\n") + b"\r\nList post.\r\n", "ignored"),
    "x_autoreply": (_head(extra="X-Autoreply: yes\r\n") + b"\r\nAway.\r\n", "ignored"),
    "mailer_daemon_bounce": (
        _head(sender="MAILER-DAEMON@school.example", subject="Undelivered Mail")
        + b"\r\nThis is the mail system.\r\n",
        "ignored",
    ),
    "postmaster_notice": (
        _head(sender="postmaster@school.example", subject="Delivery Status") + b"\r\nNotice.\r\n",
        "ignored",
    ),
    "empty_return_path": (b"Return-Path: <>\r\n" + _head() + b"\r\nBounce.\r\n", "ignored"),
    "delivery_report": (
        _head(
            extra="MIME-Version: 1.0\r\nContent-Type: multipart/report; "
            'report-type=delivery-status; boundary="R"\r\n'
        )
        + b"\r\n--R\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--R--\r\n",
        "ignored",
    ),
    "from_the_portal_itself": (
        _head(sender="no-reply@exams-portal.example") + b"\r\nA loop.\r\n",
        "ignored",
    ),
    "attachment_named_pdf_that_is_html": (
        message(files=[("letter.pdf", b"<html><script>x</script></html>", "application", "pdf")]),
        "opened",
    ),
    "attachment_without_name": (
        message(files=[("", PDF, "application", "pdf")]),
        "opened",
    ),
    "attachment_with_path_name": (
        message(files=[("../../etc/passwd.pdf", PDF, "application", "pdf")]),
        "opened",
    ),
    "html_only_with_script": (
        _head(extra="Content-Type: text/html\r\n")
        + b"\r\n<p>Hello<script>alert(1)</script></p>"
        + b"<script>" * 20_000
        + b"\r\n",
        "opened",
    ),
    # Read in one pass: a tag that never ends is text, once.
    "html_only_with_tags_never_closed": (
        _head(extra="Content-Type: text/html\r\n")
        + b"\r\n<p>Hello</p>"
        + b'<a href="' * 50_000
        + b"\r\n",
        "opened",
    ),
}
