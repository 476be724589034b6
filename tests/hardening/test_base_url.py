from django.core.checks import Warning

from portal.core.checks import check_base_url_is_https
from tests.portal.test_settings import _settings_in_subprocess


def test_base_url_is_required_when_debug_is_off(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "DEBUG": "false", "SECRET_KEY": "x" * 60},
        "print(settings.PORTAL_BASE_URL)",
    )

    assert result.returncode != 0
    assert "PORTAL_BASE_URL must be set when DEBUG is off" in result.stderr


def test_base_url_in_development_follows_the_dev_port(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "PORT": "8123"}, "print(settings.PORTAL_BASE_URL)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"


def test_base_url_that_is_not_an_address_is_refused(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_BASE_URL": "portal.example.org"},
        "print(settings.PORTAL_BASE_URL)",
    )

    assert result.returncode != 0
    assert "PORTAL_BASE_URL must be an http or https address" in result.stderr


def test_base_url_check_warns_about_http_in_production(settings):
    settings.DEBUG = False
    settings.PORTAL_BASE_URL = "http://portal.example.org"

    messages = check_base_url_is_https()

    assert [(type(m), m.id) for m in messages] == [(Warning, "portal.W001")]


def test_base_url_check_is_quiet_for_https_in_production(settings):
    settings.DEBUG = False
    settings.PORTAL_BASE_URL = "https://portal.example.org"

    assert check_base_url_is_https() == []
