import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_str
from tests.processes import environ


def test_env_bool_reads_true_and_false_words():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "Off"}) is False
    assert env_bool("X", True, environ={}) is True


def test_env_bool_rejects_unknown_word_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", environ={"DEBUG": "maybe"})


def test_env_int_rejects_non_number():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": "smtp"})
    assert env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": ""}) == 587


def test_env_list_splits_and_trims():
    assert env_list("H", environ={"H": " a.example, b.example ,,"}) == ["a.example", "b.example"]
    assert env_list("H", ["x"], environ={}) == ["x"]


def test_env_str_strips():
    assert env_str("S", environ={"S": "  v  "}) == "v"


def _settings_in_subprocess(env: dict, code: str, *, apps: bool = False):
    """Run ``code`` in a Python of its own with ``env`` as its environment, the settings
    imported (as every process of the portal does first) and, with ``apps``, Django set up
    (its apps and models loaded: five times as long)."""
    import subprocess
    import sys

    full_env = environ(
        without={
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "AWS_STORAGE_BUCKET_NAME",
            "DEBUG",
            "SECRET_KEY",
            "EMAIL_HOST",
            "EMAIL_BACKEND",
            "CACHE_URL",
            "PORTAL_BASE_URL",
            "PORT",
        }
    )
    full_env.update(env)
    full_env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            ("import django; django.setup(); " if apps else "")
            + f"from django.conf import settings; settings.INSTALLED_APPS; {code}",
        ],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_embedded_default_uses_sqlite_files_and_filesystem_broker(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path)},
        "print(settings.DATABASES['default']['ENGINE']); print(settings.CELERY_BROKER_URL); "
        "print(settings.STORAGES['default']['BACKEND']); print(settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://localhost/",
        "django.core.files.storage.FileSystemStorage",
        "True",
    ]


def test_settings_production_reads_services_from_environment(tmp_path):
    result = _settings_in_subprocess(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "portal.example",
            "PORTAL_BASE_URL": "https://portal.example",
            "DATABASE_URL": "postgres://u:p@db.example:5432/portal",
            "REDIS_URL": "redis://cache.example:6379/0",
            "AWS_STORAGE_BUCKET_NAME": "uploads",
        },
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME']); "
        "print(settings.CELERY_BROKER_URL); print(settings.CACHES['default']['BACKEND']); "
        "print(settings.STORAGES['default']['BACKEND']); print(settings.ALLOWED_HOSTS); "
        "print(settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "django.db.backends.postgresql db.example portal",
        "redis://cache.example:6379/0",
        "portal.cache.ForgivingRedisCache",
        "portal.s3.PortalS3Storage",
        "['portal.example']",
        "True True",
    ]


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "DEBUG": "false"}, "print(settings.SECRET_KEY)"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def _check_deploy(tmp_path, **extra):
    import subprocess
    import sys

    env = environ(without=PRODUCTION_VARIABLES)
    env.update(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "k3y-" + "q7Zp9" * 12,
            "ALLOWED_HOSTS": "portal.example",
            "PORTAL_BASE_URL": "https://portal.example",
            "EMAIL_HOST": "smtp.example",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_VARIABLES = {
    "DATABASE_URL",
    "DEBUG",
    "PORTAL_BASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "CLAMD_URL",
    "ALLOW_IN_PRODUCTION",
}


def test_settings_production_pass_check_deploy(tmp_path):
    result = _check_deploy(
        tmp_path,
        DATABASE_URL="postgres://u:p@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
        AWS_STORAGE_BUCKET_NAME="uploads",
        CLAMD_URL="tcp://clamd.example:3310",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_embedded_default_saying_what_to_set(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    for check_id, fix in [
        ("portal.E010", "Set DATABASE_URL="),
        ("portal.E011", "Set REDIS_URL="),
        ("portal.E012", "CELERY_BROKER_URL="),
        ("portal.E013", "Set AWS_STORAGE_BUCKET_NAME"),
        ("portal.E014", "Set CLAMD_URL="),
    ]:
        assert check_id in result.stderr
        assert fix in result.stderr


def test_check_deploy_accepts_what_is_allowed_on_purpose(tmp_path):
    result = _check_deploy(
        tmp_path,
        ALLOW_IN_PRODUCTION="sqlite,local-cache,local-broker,local-media,unscanned-uploads",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_only_what_is_not_allowed(tmp_path):
    result = _check_deploy(
        tmp_path,
        DATABASE_URL="postgres://u:p@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
        AWS_STORAGE_BUCKET_NAME="uploads",
        ALLOW_IN_PRODUCTION="local-media",
    )
    assert result.returncode != 0
    assert "portal.E014" in result.stderr
    assert "add 'unscanned-uploads' to ALLOW_IN_PRODUCTION" in result.stderr
    for check_id in ("portal.E010", "portal.E011", "portal.E012", "portal.E013"):
        assert check_id not in result.stderr


def test_settings_refuse_an_unknown_word_in_allow_in_production(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "ALLOW_IN_PRODUCTION": "sqlite,everything"},
        "print(1)",
    )
    assert result.returncode != 0
    assert "ALLOW_IN_PRODUCTION names ['everything']" in result.stderr


def test_check_deploy_is_quiet_about_demo_services_in_debug(tmp_path):
    result = _check_deploy(tmp_path, DEBUG="true")
    for check_id in ("portal.E010", "portal.E011", "portal.E012", "portal.E013", "portal.E014"):
        assert check_id not in result.stderr


def test_settings_embedded_default_keeps_the_cache_in_files_of_its_data_folder(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path)},
        "c = settings.CACHES['default']; print(c['BACKEND']); print(c['LOCATION'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path / "cache"),
    ]


def test_embedded_default_processes_see_what_another_forgot(tmp_path):
    """The worker (a process of its own) imports results and moves the centre's cached pages
    on: the web server's next read must see it, not keep what it cached before."""
    read = (
        "from django.core.cache import cache; "
        "from results.queries import centre_generation_key; "
        "print(cache.get(centre_generation_key(7)))"
    )
    before = _settings_in_subprocess({"PORTAL_DATA_DIR": str(tmp_path)}, read, apps=True)
    forgot = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path)},
        "from results.queries import bump_generations; bump_generations(7, None)",
        apps=True,
    )
    after = _settings_in_subprocess({"PORTAL_DATA_DIR": str(tmp_path)}, read, apps=True)

    assert before.returncode == forgot.returncode == after.returncode == 0, (
        before.stderr + forgot.stderr + after.stderr
    )
    assert before.stdout.split() == ["None"]
    assert after.stdout.split() != ["None"]
    assert int(after.stdout.split()[0]) > 0
