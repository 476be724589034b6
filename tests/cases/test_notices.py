"""The kit's notices: each step's text is a template of its case type (portal/cases/notices.py),
the first line the subject, written in the portal's language whoever's request made it."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.utils import translation

from complaints.helpdesk import services
from portal.accounts.roles import CUSTOMER_SERVICES
from portal.cases.notices import notice_text
from portal.notifications.models import Email, Notification
from portal.notifications.texts import subject_and_body
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ASKED = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
NOTICES = Path(settings.BASE_DIR) / "templates" / "notices"


@pytest.fixture
def desk(charter):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


def _ask(officer, centre):
    return services.open_query(
        centre=centre, by=officer, subject="Late fees", body="Per entry?", at=ASKED
    )


def test_a_step_is_told_from_its_template_with_the_reference_and_the_link(
    officer_gb, centre_gb, desk
):
    case = _ask(officer_gb, centre_gb)

    notice = Notification.objects.get(user=officer_gb, reference=case.reference)
    assert notice.subject == f"{case.reference}: query received"
    assert notice.body.startswith("We have received your query “Late fees” and aim to answer")
    assert notice.body.endswith(f"\n\n{settings.PORTAL_BASE_URL}{case.get_absolute_url()}")


def test_a_case_type_without_a_new_case_text_of_its_own_tells_the_team_the_kits(
    officer_gb, centre_gb, desk
):
    case = _ask(officer_gb, centre_gb)

    assert not (NOTICES / "queries" / "query" / "new_team.txt").exists()
    notice = Notification.objects.get(user=desk, reference=case.reference)
    assert notice.subject == f"{case.reference}: new query"
    assert notice.body.startswith("A new query has come in: Query received.")


def test_notices_are_written_in_the_portals_language_whatever_the_asker_reads(
    officer_gb, centre_gb, desk
):
    with translation.override("fr"):
        case = _ask(officer_gb, centre_gb)
        assert translation.get_language() == "fr"

    notice = Notification.objects.get(user=officer_gb, reference=case.reference)
    assert notice.subject == f"{case.reference}: query received"


def test_a_step_with_no_template_is_an_error_not_a_silent_blank(officer_gb, centre_gb, desk):
    case = _ask(officer_gb, centre_gb)

    with pytest.raises(TemplateDoesNotExist):
        notice_text(case, "no-such-step")


def test_subject_is_the_first_line_and_paragraphs_keep_one_blank_line():
    text = "\n  Late   fees \n\n\nFirst paragraph.\n\n\n\nSecond.  \n\n"

    assert subject_and_body(text) == ("Late fees", "First paragraph.\n\nSecond.")


def test_every_notice_template_has_a_subject_line_and_is_marked_for_translation():
    templates = sorted(NOTICES.rglob("*.txt"))
    assert len(templates) > 30
    for path in templates:
        text = path.read_text()
        assert text.startswith("{% load i18n %}{% autoescape off %}"), path
        assert "{% endautoescape %}" in text, path


def test_a_case_with_no_centre_is_told_at_its_address_or_to_no_one(desk):
    """``tell_centre``: a case that came from an address (no centre) is told there, without
    the link to a page its sender cannot open; one with neither centre nor address, no one."""
    from portal.cases.notices import tell_centre

    emailed = services.open_emailed_query(
        contact_email="sam@else.example", contact_name="Sam", subject="A question", body="Hi?"
    )
    nobody = services.open_emailed_query(contact_email="", subject="A question", body="Hi?")
    for case in (emailed, nobody):
        tell_centre(case, kind="query", step="answered", response="Per candidate.")

    told = Email.objects.filter(key__endswith=":answered")
    assert [(e.key, e.address, e.body) for e in told] == [
        (f"qry:{emailed.pk}:answered", "sam@else.example", "Per candidate.")
    ]
    assert not Notification.objects.filter(reference=nobody.reference, kind="query").exists()
