"""Prometheus metrics at /metrics.

Requests are counted and timed by view in each process; under gunicorn the workers share
their figures through files (``PROMETHEUS_MULTIPROC_DIR``, set by gunicorn.conf.py), so a
scrape of any worker answers for all. What the database and the broker know (clocks, the
outbox, emails, scans, queues, the sweep) is read when scraped, through partial indexes,
and kept for a few seconds so that several scrapers cost one set of queries.
"""

import ipaddress
import logging
import os
import secrets
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from portal.net import client_ip

log = logging.getLogger("portal.requests")

REQUESTS = Counter(
    "portal_http_requests_total",
    "Requests answered, by view, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    # Unresolved addresses (404s, answers from middleware) share one label: a label per
    # address would let anyone grow the metrics without bound.
    return match.view_name if match is not None else "unresolved"


class RequestMetricsMiddleware:
    """Counts and times every request by view; logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_name(request)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(elapsed)
        log.info(
            "%s %s %s",
            request.method,
            view,
            response.status_code,
            extra={
                "view": view,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


class PortalCollector:
    """The gauges read from the database and the broker at scrape time."""

    def __init__(self):
        self._cached_at = 0.0
        self._cached = []

    def collect(self):
        if time.monotonic() - self._cached_at > settings.METRICS_CACHE_SECONDS:
            self._cached = list(self._read())
            self._cached_at = time.monotonic()
        yield from self._cached

    def _read(self):
        from portal.observability import figures

        for name, help_text, labels, rows in figures.all_figures():
            gauge = GaugeMetricFamily(name, help_text, labels=labels)
            for label_values, value in rows:
                gauge.add_metric(label_values, value)
            yield gauge


_collector = PortalCollector()


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(scrape)
    else:
        from prometheus_client import REGISTRY

        scrape.register(_ProcessOwn(REGISTRY))
    scrape.register(_collector)
    return scrape


class _ProcessOwn:
    """This process's own counters, for a process that runs alone (runserver, tests)."""

    def __init__(self, source):
        self.source = source

    def collect(self):
        yield from self.source.collect()


def allowed(request) -> bool:
    """A scraper shows the token (``Authorization: Bearer …``) or calls from a network
    named in METRICS_ALLOWED_NETWORKS (the client address behind trusted proxies)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and secrets.compare_digest(given[7:], token):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    if not allowed(request):
        # As if there were nothing here: the address of the metrics is nobody's business.
        return HttpResponseNotFound("Not found.", content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
