"""One id per request, in every log line it causes and every task it queues.

The id comes from the proxy in front (``X-Request-ID``, when it looks like an id) or is made
here; it goes back in the answer's ``X-Request-ID``. Tasks published while it is set carry
it in a message header (queued tasks keep it in their outbox row), and a worker running
the task logs under it, so one search finds a request and everything it set going.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar, Token

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

HEADER = "X-Request-ID"
MESSAGE_HEADER = "request_id"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

current_request_id: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


@receiver(request_started)
def _start_request(sender=None, environ=None, **kwargs):
    # Set when the request starts rather than in a middleware: Django logs an error answer
    # (django.request) after the middleware have returned, and that line needs the id too.
    given = (environ or {}).get("HTTP_X_REQUEST_ID", "")
    current_request_id.set(given if _ACCEPTABLE.match(given) else new_request_id())


@receiver(request_finished)
def _end_request(sender=None, **kwargs):
    current_request_id.set("")


class RequestIdMiddleware:
    """Answers the request's id in ``X-Request-ID``, and notes when the request began by the
    wall clock (``request.started_at``: whatever the request reads is read after it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.started_at = time.time()
        request.id = current_request_id.get()
        if not request.id:
            # Called without Django's request_started (a request factory): an id all the same.
            request.id = new_request_id()
            current_request_id.set(request.id)
        response = self.get_response(request)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every log record (empty outside a request or task)."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id.get()
        return True


@before_task_publish.connect
def _carry_into_message(headers=None, **kwargs):
    request_id = current_request_id.get()
    if headers is not None and request_id:
        headers.setdefault(MESSAGE_HEADER, request_id)


_task_tokens: dict[str, Token[str]] = {}


@task_prerun.connect
def _adopt_in_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, MESSAGE_HEADER, None) or ""
    if not request_id and task.request.headers:
        request_id = task.request.headers.get(MESSAGE_HEADER, "")
    _task_tokens[task_id] = current_request_id.set(request_id or f"task-{task_id}")


@task_postrun.connect
def _forget_in_task(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)
