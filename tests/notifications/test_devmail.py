"""Email in development: kept whole as files in the data folder, announced on the console in a
few lines with its links, where the person running bin/dev sees them."""

import io
import re
from email import message_from_bytes, policy

import pytest
from django.core import mail

from centres.registration import services
from portal.notifications.devmail import links_in
from portal.notifications.sending import send_pending
from tests.centres.registration.applications import ensure_reference_data, interest
from tests.portal.test_settings import _settings_in_subprocess


@pytest.fixture
def console(settings, tmp_path):
    """The portal's mailer as bin/dev has it, its console a string to read."""
    stream = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "portal.notifications.devmail.EmailBackend",
            "OPTIONS": {"folder": tmp_path / "emails", "stream": stream},
        }
    }
    stream.folder = tmp_path / "emails"
    return stream


def test_an_email_is_saved_whole_and_announced_with_its_links(console):
    message = mail.EmailMultiAlternatives(
        "Confirm your email address",
        "Confirm it with this link:\nhttp://127.0.0.1:8000/join/confirm/abc/def/.\n\n"
        "Or read http://127.0.0.1:8000/join/ (the same link twice: "
        "http://127.0.0.1:8000/join/).\n",
        to=["Ann Example <ann@school.example>"],
    )
    message.attach_alternative("<p>Confirm it</p>", "text/html")

    assert mail.mailers.default.send_messages([message]) == 1

    [saved] = console.folder.glob("*.eml")
    assert saved.name.endswith(".eml") and "confirm-your-email-address" in saved.name
    parsed = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert parsed["To"] == "Ann Example <ann@school.example>"
    assert parsed["Subject"] == "Confirm your email address"
    assert "/join/confirm/abc/def/" in parsed.get_body(("plain",)).get_content()
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Confirm it</p>"
    printed = console.getvalue()
    assert printed.splitlines()[1:-1] == [
        "--- Email to Ann Example <ann@school.example> ---",
        "    Confirm your email address",
        "    http://127.0.0.1:8000/join/confirm/abc/def/",
        "    http://127.0.0.1:8000/join/",
        f"    (saved in full: {saved})",
    ]


def test_each_email_gets_a_file_of_its_own(console):
    first = mail.EmailMessage("Same subject", "One", to=["a@school.example"])
    second = mail.EmailMessage("Same subject", "Two", to=["b@school.example"])

    assert mail.mailers.default.send_messages([first, second]) == 2

    bodies = sorted(path.read_bytes() for path in console.folder.glob("*.eml"))
    assert len(bodies) == 2 and b"One" in bodies[0] and b"Two" in bodies[1]


def test_links_end_where_the_sentence_does():
    text = "See https://portal.example/a/?x=1, then (http://h.example/b/) and <http://h.example/c>."
    assert links_in(text) == [
        "https://portal.example/a/?x=1",
        "http://h.example/b/",
        "http://h.example/c",
    ]


def test_the_join_confirmation_link_reaches_the_console(db, charter, console):
    """What a newcomer trying /join/ on bin/dev needs: the link, on the console."""
    ensure_reference_data()
    services.register_interest(data=interest(), password="a-long-test-password-1")

    assert send_pending().sent == 1

    printed = console.getvalue()
    assert "--- Email to " in printed and "head@nairobi-hills.example" in printed
    assert re.search(r"^    http://\S+/join/confirm/\S+$", printed, re.MULTILINE)


def test_development_settings_keep_emails_in_the_data_folder(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path)},
        "print(settings.MAILERS['default']['BACKEND']); "
        "print(settings.MAILERS['default']['OPTIONS']['folder'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "portal.notifications.devmail.EmailBackend",
        str(tmp_path / "emails"),
    ]


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60, "PORTAL_BASE_URL": "https://p.example"},
         "django.core.mail.backends.console.EmailBackend"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"},
         "django.core.mail.backends.dummy.EmailBackend"),
        ({"EMAIL_HOST": "smtp.example.org"}, "django.core.mail.backends.smtp.EmailBackend"),
    ],
)  # fmt: skip
def test_other_settings_keep_their_mailer(tmp_path, env, backend):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), **env}, "print(settings.MAILERS['default']['BACKEND'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend]
