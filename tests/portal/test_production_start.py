"""With DEBUG off, the web server, a worker and beat refuse to start as a demo."""

import subprocess
import sys

import pytest

from tests.portal.test_settings import PRODUCTION_VARIABLES
from tests.processes import environ


def _environment(tmp_path, **extra) -> dict:
    env = environ(without=PRODUCTION_VARIABLES)
    env.update(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "k3y-" + "q7Zp9" * 12,
            "ALLOWED_HOSTS": "portal.example",
            "PORTAL_BASE_URL": "https://portal.example",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            **extra,
        }
    )
    return env


def test_web_application_refuses_to_load_as_a_demo(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        env=_environment(tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/portal"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEBUG is off but the portal is configured as a demo" in result.stderr
    assert "Set REDIS_URL=" in result.stderr
    assert "Set CLAMD_URL=" in result.stderr
    assert "The database is SQLite" not in result.stderr
    assert "ALLOW_IN_PRODUCTION=local-cache,local-broker,local-media,unscanned-uploads" in (
        result.stderr
    )


# A web worker reads every URL before its first answer; what only printing a PDF (fpdf2) or a
# bucket (boto3) needs is loaded where it is used, not by every process that starts.
_LOAD_AS_A_WORKER = """
import sys
import portal.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print('loaded', *sorted({'fpdf', 'boto3'} & set(sys.modules)))
"""


def test_web_application_loads_when_the_demo_parts_are_allowed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AS_A_WORKER],
        env=_environment(
            tmp_path,
            ALLOW_IN_PRODUCTION="sqlite,local-cache,local-broker,local-media,unscanned-uploads",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded"


@pytest.mark.parametrize("command", ["beat", "worker"])
def test_celery_refuses_to_start_as_a_demo(tmp_path, command):
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", command, "--loglevel=WARNING"]
        + (["--schedule", str(tmp_path / "schedule")] if command == "beat" else ["--pool=solo"]),
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEBUG is off but the portal is configured as a demo" in result.stderr
