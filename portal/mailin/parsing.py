"""Reading a message that came in, whatever it holds, without raising on hostile input.

``read_message`` answers what the portal needs from the bytes (sender, subject, text,
files, whether it is automatic mail) or raises ``Unreadable`` with a reason a person can
read. Malformed MIME is read as far as it goes (Python's parser records defects instead of
failing); a charset that is unknown or no text encoding (``rot13``, ``base64``) is read as
UTF-8 with replacement characters; NUL characters are dropped (PostgreSQL refuses them in
text); the number of parts is capped before any part's content is decoded.
"""

import codecs
import email
import email.header
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32

SUBJECT_MAX = 300
# The most of a message's text kept and shown (a person writes far less), and the most of
# an HTML-only body read for its words.
TEXT_MAX = 100_000
HTML_READ_MAX = 2 * 1024 * 1024
NAME_MAX = 200
ADDRESS_MAX = 254
MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,250}>")
# RFC 5322's angle-bracketed id, printable ASCII without spaces or brackets inside.
REFERENCES_KEPT = 20

# Robots and lists: never answered (RFC 3834 and the headers mail software really sends).
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
AUTO_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "List-Id",
    "List-Unsubscribe",
    "Feedback-ID",
)


class Unreadable(Exception):
    """The message cannot be read as one the portal answers; the text says why."""


@dataclass
class File:
    name: str
    content_type: str
    data: bytes


@dataclass
class ReadMessage:
    sender: str = ""
    sender_name: str = ""
    reply_to: str = ""
    subject: str = ""
    message_id: str = ""
    references: list[str] = field(default_factory=list)
    text: str = ""
    files: list[File] = field(default_factory=list)
    automatic: str = ""  # why it is automatic or bulk mail ("" for a person's message)
    # Why our own mail server found the sender not to be who the From says ("" if not).
    unauthenticated: str = ""
    defects: list[str] = field(default_factory=list)


def clean_text(value: str) -> str:
    """Text as it may be stored: no NUL characters, nor other C0 controls but tab and
    line ends."""
    return "".join(c for c in value if c >= " " or c in "\t\n\r")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """``data`` read in ``charset``; an unknown charset or one that is no text encoding
    (``rot13``, ``base64``, ``zlib``) is read as UTF-8, never raised."""
    name = (charset or "utf-8").strip().strip('"').lower() or "utf-8"
    try:
        codec = codecs.lookup(name)
        if not getattr(codec, "_is_text_encoding", True):
            raise LookupError(name)
        text = data.decode(codec.name, errors="replace")
    except (LookupError, ValueError, TypeError):
        text = data.decode("utf-8", errors="replace")
    return clean_text(text)


def header_text(value: object) -> str:
    """A header's value as one line of text, its encoded words decoded (RFC 2047)."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        value = str(value)
    raw = str(value)
    try:
        pieces = email.header.decode_header(raw)
    except (ValueError, LookupError, email.errors.HeaderParseError):
        pieces = [(raw, None)]
    out = []
    for piece, charset in pieces:
        out.append(decode_bytes(piece, charset) if isinstance(piece, bytes) else piece)
    return " ".join(clean_text("".join(out)).split())


def address_of(value: object) -> tuple[str, str]:
    """(name, address) of a From or Reply-To header; the address lower-cased, "" when it
    is no address (one line, an ``@``, no spaces or brackets). The address is read from the
    header as written: an encoded word is never an address (RFC 2047), only a name."""
    raw = " ".join(str(value or "").split())
    name, address = email.utils.parseaddr(raw)
    address = address.strip().lower()
    if (
        len(address) > ADDRESS_MAX
        or address.count("@") != 1
        or "=?" in address
        or any(c.isspace() or c in '<>()[],;:"\\' for c in address)
        or not address.isprintable()
    ):
        address = ""
    return header_text(name)[:NAME_MAX], address


def message_ids(value: object) -> list[str]:
    """The message ids in a header (``Message-ID``, ``References``), well formed only."""
    return MESSAGE_ID.findall(str(value or ""))


def count_parts(message: Message, *, most: int) -> int:
    """How many parts the message has, counted without recursion (a message nested ten
    thousand deep must not exhaust the stack), stopping past ``most``."""
    count, waiting = 0, [message]
    while waiting:
        part = waiting.pop()
        count += 1
        if count > most:
            return count
        payload = part.get_payload()
        if isinstance(payload, list):
            waiting.extend(p for p in payload if isinstance(p, Message))
    return count


def automatic_reason(message: Message, *, sender: str, return_path: str | None) -> str:
    """Why the message is automatic or bulk mail (never answered), or "" for a person's."""
    auto = header_text(message.get("Auto-Submitted")).lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto[:60]}"
    precedence = header_text(message.get("Precedence")).lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in AUTO_HEADERS:
        if message.get(name) is not None:
            return f"{name} header (automatic or list mail)"
    local = sender.partition("@")[0]
    if local.startswith(BOUNCE_SENDERS):
        return f"A bounce or server notice (from {local})"
    if return_path is not None and header_text(return_path).replace(" ", "") == "<>":
        return "Empty Return-Path (<>): a bounce or automatic notice"
    if message.get_content_type() == "multipart/report":
        return "A delivery or read report (multipart/report)"
    return ""


RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


def authentication_failure(message: Message, *, authserv_id: str) -> str:
    """What our own mail server (``authserv_id``, RFC 8601) found wrong with the sender:
    DMARC failed, or without a DMARC result SPF failed and no DKIM signature passed. Only
    the topmost header naming our server counts (a sender may write others below it)."""
    if not authserv_id:
        return ""
    for value in message.get_all("Authentication-Results") or []:
        text = header_text(value)
        if text.split(";", 1)[0].strip().lower() != authserv_id.lower():
            continue
        results: dict[str, set[str]] = {}
        for method, result in RESULT.findall(text):
            results.setdefault(method.lower(), set()).add(result.lower())
        if "fail" in results.get("dmarc", set()):
            return "DMARC failed"
        spf_failed = results.get("spf", set()) & {"fail", "softfail"}
        if "dmarc" not in results and spf_failed and "pass" not in results.get("dkim", set()):
            return f"SPF {'/'.join(sorted(spf_failed))} and no DKIM signature passed"
        return ""
    return ""


def read_message(raw: bytes, *, most_parts: int, authserv_id: str = "") -> ReadMessage:
    """What the portal reads from a message; ``Unreadable`` for one it will not read."""
    if not raw.strip():
        raise Unreadable("The message is empty.")
    try:
        message = email.message_from_bytes(raw, policy=compat32)
    except RecursionError:
        raise Unreadable("The message's parts are nested too deep to read.") from None
    if not message.keys():
        raise Unreadable("The message has no headers: it is not an email.")
    parts = count_parts(message, most=most_parts)
    if parts > most_parts:
        raise Unreadable(
            f"The message has more than {most_parts:,} parts; it is not read "
            "(a message a person writes has a handful)."
        )
    read = ReadMessage()
    read.sender_name, read.sender = address_of(message.get("From"))
    read.reply_to = address_of(message.get("Reply-To"))[1]
    read.subject = header_text(message.get("Subject"))[:SUBJECT_MAX]
    ids = message_ids(message.get("Message-ID"))
    read.message_id = ids[0] if ids else ""
    read.references = (
        message_ids(message.get("References")) + message_ids(message.get("In-Reply-To"))
    )[-REFERENCES_KEPT:]
    read.automatic = automatic_reason(
        message, sender=read.sender, return_path=message.get("Return-Path")
    )
    read.unauthenticated = authentication_failure(message, authserv_id=authserv_id)
    read.defects = sorted({type(d).__name__ for p in message.walk() for d in p.defects})
    texts: list[str] = []
    htmls: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = part.get_filename()
        content_type = part.get_content_type()
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        if filename or disposition == "attachment" or not content_type.startswith("text/"):
            if content_type.startswith("multipart/") or content_type == "message/rfc822":
                continue
            name = header_text(filename) if filename else ""
            read.files.append(File(name=name or "attachment", content_type=content_type, data=data))
            continue
        text = decode_bytes(data, part.get_content_charset())
        (htmls if content_type == "text/html" else texts).append(text)
    if texts:
        read.text = "\n\n".join(t.strip() for t in texts if t.strip())
    elif htmls:
        read.text = html_to_text("\n".join(htmls)[:HTML_READ_MAX])
    read.text = read.text[:TEXT_MAX]
    return read


TAG_NAME = re.compile(r"(/?)\s*([a-z][a-z0-9]*)")
UNSEEN = ("script", "style")


def html_to_text(html: str) -> str:
    """The words of an HTML-only message, for people to read (never shown as HTML).

    A script's or a style's content and comments are left out, ``<br>`` and the end of a
    paragraph start a new line, any other tag is a space; a ``<`` with no ``>`` after it is
    text. One pass, each character read a bounded number of times: a regular expression
    (or ``html.parser``) that looks again for the end of every tag left open reads the rest
    of a hostile message once per tag, and 20,000 of them take minutes.
    """
    import html as entities

    lower = html.lower()
    parts: list[str] = []
    at = 0
    while at < len(html):
        opening = html.find("<", at)
        if opening < 0:
            parts.append(html[at:])
            break
        parts.append(html[at:opening])
        if lower.startswith("<!--", opening):
            end = html.find("-->", opening + 4)
            at = len(html) if end < 0 else end + 3
            parts.append(" ")
            continue
        closing = html.find(">", opening + 1)
        if closing < 0:
            parts.append(html[opening:])
            break
        name = TAG_NAME.match(lower, opening + 1, closing)
        slash, tag = name.groups() if name else ("", "")
        at = closing + 1
        if tag in UNSEEN and not slash:
            end = lower.find(f"</{tag}", at)
            end = -1 if end < 0 else lower.find(">", end)
            at = len(html) if end < 0 else end + 1
        parts.append("\n" if tag == "br" or (tag == "p" and slash) else " ")
    lines = (" ".join(line.split()) for line in entities.unescape("".join(parts)).splitlines())
    return clean_text("\n".join(line for line in lines if line))
