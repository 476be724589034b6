"""Error tracking with Sentry's SDK (Sentry itself, or GlitchTip and others that speak its
protocol), started from settings when SENTRY_DSN is set."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint


def _with_request_id(event: "Event", hint: "Hint") -> "Event":
    from portal.observability.requestid import current_request_id

    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def start_sentry(
    dsn: str, *, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        # Officers' and candidates' details stay here: no cookies, no bodies, no user names.
        send_default_pii=False,
        max_request_body_size="never",
        before_send=_with_request_id,
    )
