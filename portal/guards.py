"""One guard for hostile input, before any view, form, serializer or query sees it.

PostgreSQL refuses the NUL character in text, and psycopg raises before the query runs, so a
single ``%00`` in an address, a filter or a field would otherwise end as a server error
wherever the value reaches the database (SQLite stores it, so only PostgreSQL shows it).
Deeply nested JSON makes Python's parser raise ``RecursionError``. Rather than a check in
every view, this middleware refuses both, and the upload limits, with a 400 (413 for size)
in the portal's own shapes: JSON under ``/api/``, the error page elsewhere.

Uploaded files are never read here: their bytes may contain anything, and they are checked
by content where they are kept. Bodies of other types (upload parts) are streamed by their
views and not read either.
"""

import codecs
import re

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)

from portal.errorpages import error_response

NUL = "\x00"
# A JSON string escape for NUL: ``\u0000`` preceded by an even number of backslashes (an
# odd number would make the first backslash part of an escaped backslash, plain text).
JSON_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*+\\u0000")
# A string (to be skipped, brackets inside it are text) or a bracket. The quantifiers are
# possessive and an unterminated string runs to the end, so the scan is one pass over the
# body whatever it holds: a body of escaped quotes cannot make it take quadratic time.
JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+\\?(?:"|\Z)|[\[\]{}]', re.DOTALL)
# No request of the contract nests more than a few levels; a hundred leaves room and stays far
# below the depth at which Python's parser gives up.
MAX_JSON_DEPTH = 100

NUL_IN_PATH = "The address contains a null character, which the portal does not accept."
NUL_IN_HEADER = "A request header contains a null character, which the portal does not accept."
NUL_IN_FIELD = "Null characters are not allowed."
NUL_IN_JSON = "The JSON body contains a null character (\\u0000), which the portal does not accept."
TOO_DEEP = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
TOO_LARGE = "The request body is larger than the portal accepts."
TOO_MANY_FIELDS = "The request has more fields than the portal accepts."
TOO_MANY_FILES = "The request has more files than the portal accepts."
NOT_UNDERSTOOD = "The request was not understood."
NOT_UTF8 = "A JSON body must be encoded in UTF-8."
NOT_TEXT_CHARSET = "The Content-Type names a charset that is not a text encoding: {}."


# Where ``set_aside_charset`` leaves the charset it took out of a request's Content-Type.
CHARSET_SET_ASIDE = "portal.charset_not_text"


def _not_text_encoding(charset: str) -> bool:
    try:
        return not codecs.lookup(charset)._is_text_encoding
    except LookupError:
        return False  # an unknown charset: Django ignores it and reads the default


def set_aside_charset(sender, environ, **kwargs) -> None:
    """Before Django builds a request (``request_started`` carries the WSGI environ): a
    Content-Type whose charset Python knows as a codec that is not a text encoding
    (``rot13``, ``base64``, ``zlib``, ``hex``) would make building the request decode the
    query string with it and fail. The charset is taken out and kept aside, so that the
    request is built, and the guard below answers 400 naming it."""
    content_type = environ.get("CONTENT_TYPE", "")
    if "charset" not in content_type.lower():
        return
    kept, dropped = [], ""
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and _not_text_encoding(charset):
            dropped = charset
        else:
            kept.append(part)
    if dropped:
        environ["CONTENT_TYPE"] = ";".join(kept)
        environ[CHARSET_SET_ASIDE] = dropped


class HostileInput(Exception):
    """Input the portal refuses whatever the view: ``detail`` or per-field ``errors``."""

    def __init__(self, detail: str | None = None, *, errors=None, status: int = 400):
        super().__init__(detail or "; ".join(m for ms in (errors or {}).values() for m in ms))
        self.detail = detail
        self.errors = errors
        self.status = status


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``; invalid JSON is left to
    the parser, which explains its own errors."""
    depth = 0
    for match in JSON_TOKEN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def fields_with_nul(data) -> dict[str, list[str]]:
    """Field errors for every key or value of a QueryDict that holds a NUL."""
    errors = {}
    for key, values in data.lists():
        if NUL in key or any(NUL in value for value in values if isinstance(value, str)):
            errors[key.replace(NUL, "\\u0000")] = [NUL_IN_FIELD]
    return errors


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def check_request(request) -> None:
    """Raise ``HostileInput`` for input the portal refuses, reading at most the bounded body."""
    if charset := request.META.get(CHARSET_SET_ASIDE):
        raise HostileInput(NOT_TEXT_CHARSET.format(charset[:40]))
    if NUL in request.path_info:
        raise HostileInput(NUL_IN_PATH)
    # Cookies and the Authorization header reach the database too (session and token keys).
    if any(NUL in value for key, value in request.META.items() if key.startswith("HTTP_")):
        raise HostileInput(NUL_IN_HEADER)
    # A quoted cookie may spell NUL as the octal escape \000, which parsing turns into one.
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        raise HostileInput(NUL_IN_HEADER)
    if errors := fields_with_nul(request.GET):
        raise HostileInput(errors=errors)
    content_type = request.content_type or ""
    if is_json(content_type):
        # JSON is UTF-8 (RFC 8259). Another charset would let a parser decode brackets and
        # NULs this guard never saw in the bytes (UTF-7 spells "[" as "+AFs-").
        charset = (request.content_params or {}).get("charset", "utf-8")
        if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise HostileInput(NOT_UTF8, status=415)
        # request.body enforces DATA_UPLOAD_MAX_MEMORY_SIZE, and what is read here is kept
        # for the parser, so the body is read once.
        body = request.body
        if b"\x00" in body or JSON_NUL_ESCAPE.search(body):
            raise HostileInput(NUL_IN_JSON)
        if json_too_deep(body):
            raise HostileInput(TOO_DEEP)
    elif request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        errors = fields_with_nul(request.POST)
        for name, upload in request.FILES.items():
            if NUL in (upload.name or ""):
                errors[name] = [NUL_IN_FIELD]
        if errors:
            raise HostileInput(errors=errors)


def refusal_for(exc: SuspiciousOperation) -> HostileInput:
    """The answer to Django's own refusal of a request (sizes and counts of fields)."""
    if isinstance(exc, RequestDataTooBig):
        return HostileInput(TOO_LARGE, status=413)
    if isinstance(exc, TooManyFieldsSent):
        return HostileInput(TOO_MANY_FIELDS)
    if isinstance(exc, TooManyFilesSent):
        return HostileInput(TOO_MANY_FILES)
    # Django's own messages name settings and internals: none of that goes out.
    return HostileInput(NOT_UNDERSTOOD)


class HostileInputMiddleware:
    """Refuse hostile input before it reaches a view; see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except HostileInput as exc:
            return refuse(request, exc)
        except SuspiciousOperation as exc:
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files: known limits, not
            # attacks to log at error level.
            return refuse(request, refusal_for(exc))
        return self.get_response(request)


def refuse(request, exc: HostileInput):
    return error_response(request, exc.status, detail=exc.detail, errors=exc.errors)
