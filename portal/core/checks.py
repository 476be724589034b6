"""System checks of the portal's own settings, and the refusal to serve production as a demo."""

from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register("portal")
def check_base_url_is_https(app_configs=None, **kwargs):
    """Links in emails lead people to sign in: in production they must not go over plain
    HTTP, where the session cookie (HTTPS-only) would not even be sent."""
    if settings.DEBUG or settings.PORTAL_BASE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: links in emails will not use HTTPS.",
            hint="Set PORTAL_BASE_URL to the https:// address people reach the portal at.",
            id="portal.W001",
        )
    ]


@dataclass(frozen=True)
class DemoService:
    """Something of the embedded default that production runs on only when told to."""

    word: str  # what ALLOW_IN_PRODUCTION names to accept it
    problem: str
    fix: str
    check_id: str


# The caches of one machine, and what each means for a portal on several.
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "The cache is the memory of each process: "
    "rate limits count per process and what one process forgets the others still remember.",
    "django.core.cache.backends.filebased.FileBasedCache": "The cache is files of this "
    "machine: rate limits count per machine and what one machine forgets the others still "
    "remember.",
}


def demo_services_in_use() -> list[DemoService]:
    """The parts of the embedded default the settings still use, whatever is allowed.

    Each works on one machine only: SQLite, the file-system broker and the cache are files of
    that machine (or the cache is each process's memory: rate limits count per process, and
    what one process forgets the others still remember), local media is lost with the
    container, and without clamd every file stays "not scanned".
    """
    found = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            DemoService(
                "sqlite",
                "The database is SQLite, a file of this machine.",
                "Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME.",
                "portal.E010",
            )
        )
    cache_problem = LOCAL_CACHES.get(settings.CACHES["default"]["BACKEND"])
    if cache_problem:
        found.append(
            DemoService(
                "local-cache",
                cache_problem,
                "Set REDIS_URL=redis://HOST:6379/0 (or CACHE_URL).",
                "portal.E011",
            )
        )
    if settings.CELERY_BROKER_URL.split("://")[0] in ("filesystem", "memory"):
        found.append(
            DemoService(
                "local-broker",
                f"The task broker is {settings.CELERY_BROKER_URL!r}: workers on other "
                "machines never see its tasks.",
                "Set REDIS_URL (or CELERY_BROKER_URL=redis://HOST:6379/1).",
                "portal.E012",
            )
        )
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        found.append(
            DemoService(
                "local-media",
                "Uploads are kept in a folder of this machine (MEDIA_ROOT).",
                "Set AWS_STORAGE_BUCKET_NAME and the AWS_S3_* variables of the bucket.",
                "portal.E013",
            )
        )
    if not settings.CLAMD_URL:
        found.append(
            DemoService(
                "unscanned-uploads",
                "CLAMD_URL is not set: no upload is scanned for malware, every file stays "
                "'not scanned'.",
                "Set CLAMD_URL=tcp://HOST:3310 (or unix:///run/clamav/clamd.ctl).",
                "portal.E014",
            )
        )
    return found


def demo_services_refused() -> list[DemoService]:
    """What production (DEBUG off) uses of the embedded default without being allowed to."""
    if not settings.PRODUCTION:
        return []
    allowed = set(settings.ALLOW_IN_PRODUCTION)
    return [service for service in demo_services_in_use() if service.word not in allowed]


@register("portal", deploy=True)
def check_not_a_demo(app_configs=None, **kwargs):
    return [
        Error(
            service.problem,
            hint=f"{service.fix} Or, on purpose, add {service.word!r} to ALLOW_IN_PRODUCTION.",
            id=service.check_id,
        )
        for service in demo_services_refused()
    ]


def refuse_to_run_as_demo() -> None:
    """Called as the web server, a worker or beat starts: production does not quietly run on
    the embedded default. Raises ImproperlyConfigured saying what to set."""
    refused = demo_services_refused()
    if not refused:
        return
    lines = [f"* {s.problem} {s.fix} (or allow {s.word!r})" for s in refused]
    raise ImproperlyConfigured(
        "DEBUG is off but the portal is configured as a demo:\n"
        + "\n".join(lines)
        + "\nSet what is missing, or list what you accept on purpose in ALLOW_IN_PRODUCTION "
        f"(e.g. ALLOW_IN_PRODUCTION={','.join(s.word for s in refused)})."
    )
