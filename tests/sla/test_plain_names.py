"""Deadlines are named as people say them, never by their codes, on every page, notice and
email; codes stay in the API and the CSV."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from complaints import services as complaints
from portal.sla.models import ServiceLevel
from portal.sla.names import deadline_name, deadline_promise
from portal.sla.services import NoSuchClock, pause_clock, start_clock, stop_clock
from portal.sla.sweeps import sweep
from tests.complaints.conftest import SERVICE
from tests.signing_in import sign_in
from tests.sla.conftest import london
from tests.sla.figures import ACK, NOW, known_clocks

pytestmark = pytest.mark.django_db

RESPOND = "complaint.respond"


class Readable(HTMLParser):
    """What people read of a page: its text and the attributes shown or spoken, not link
    addresses or form values (where codes may stay, as in the API)."""

    SHOWN = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.parts.extend(value or "" for name, value in attrs if name in self.SHOWN)


def readable(response) -> str:
    parser = Readable()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def codes() -> list[str]:
    return list(ServiceLevel.objects.values_list("code", flat=True))


@pytest.fixture
def clocks(centre_gb, centre_pk):
    return known_clocks(centre_gb, centre_pk)


@pytest.fixture
def responding(centre_gb, officer_gb, staff_user):
    """A complaint acknowledged, so that its response deadline runs."""
    complaint = complaints.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb
    )
    return complaints.acknowledge_complaint(complaint, by=staff_user)


def test_deadline_name_is_the_rules_name():
    rule = ServiceLevel.objects.get(code=RESPOND)
    assert deadline_name(rule) == "Respond to a complaint"
    assert deadline_name(rule, "in a sentence") == "respond to a complaint"


def test_deadline_name_in_a_sentence_keeps_an_abbreviation():
    rule = ServiceLevel.objects.get(code="qa.evidence")
    rule.name = "QA evidence upload"
    assert deadline_name(rule, "in a sentence") == "QA evidence upload"
    rule.name = "A reply"
    assert deadline_name(rule, "in a sentence") == "a reply"


def test_deadline_name_of_a_clock_names_its_rule(case):
    clock = start_clock(case, code="qa.review", at=london(2026, 6, 1, 12))
    rendered = Template('{% load sla %}{{ clock|deadline_name:"in a sentence" }}').render(
        Context({"clock": clock})
    )
    assert rendered == "send the outcome of a QA review"


def test_deadline_name_refuses_an_unknown_use():
    with pytest.raises(ValueError, match="in a sentence"):
        deadline_name(ServiceLevel.objects.get(code=ACK), "shouting")


def test_deadline_promise_says_what_the_rule_promises():
    promises = {rule.code: deadline_promise(rule) for rule in ServiceLevel.objects.all()}
    assert promises[ACK] == "within 2 working days"
    assert promises["ear.acknowledge"] == "within 1 week"
    assert promises["timetable.provisional"] == "in April"


def test_officer_home_names_deadlines_without_codes(client, officer_gb, clocks):
    sign_in(client, officer_gb)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Acknowledge a complaint" in content
    assert ACK not in content


def test_staff_home_names_deadlines_without_codes(client, staff_user, clocks):
    sign_in(client, staff_user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("home"))
    text = readable(response)
    assert "Acknowledge a complaint within 2 working days" in text
    assert ACK not in text


def test_case_page_names_deadlines_without_codes(client, officer_gb, responding):
    sign_in(client, officer_gb)
    response = client.get(responding.get_absolute_url())
    content = response.content.decode()
    assert "Respond to a complaint" in content
    assert RESPOND not in content and ACK not in content


def test_case_page_for_staff_names_deadlines_without_codes(client, staff_user, responding):
    sign_in(client, staff_user)
    text = readable(client.get(responding.get_absolute_url()))
    assert "Respond to a complaint" in text
    assert RESPOND not in text and ACK not in text


def test_charter_page_shows_no_code(client):
    content = client.get(reverse("sla:charter")).content.decode()
    assert "Respond to a complaint" in content
    assert [code for code in codes() if code in content] == []


def test_dashboard_shows_no_code(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(reverse("sla:dashboard") + f"?service_level={ACK}")
    text = readable(response)
    assert "Respond to a complaint (within 10 working days" in text
    assert "Acknowledge a complaint within 2 working days" in text
    assert [code for code in codes() if code in text] == []


def test_breach_notice_and_email_name_the_deadline_without_code(
    responding, investigator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=responding.created_at + dt.timedelta(days=60))
    # The case's own letters (its receipt, its acknowledgement) go out in the same batch.
    sent = [m for m in mail.outbox if m.subject.startswith("Deadline missed:")]
    subjects = [message.subject for message in sent]
    assert f"Deadline missed: {responding.reference}, respond to a complaint" in subjects
    for message in sent:
        html, _ = message.alternatives[0]
        assert RESPOND not in message.subject + message.body + html
    assert "The commitment: within 10 working days." in sent[-1].body


def test_deadline_errors_name_the_deadline_without_code(case):
    start_clock(case, code=RESPOND, at=london(2026, 11, 2, 10))
    stop_clock(case, code=RESPOND, at=london(2026, 11, 3, 10))
    with pytest.raises(NoSuchClock) as stopped:
        pause_clock(case, code=RESPOND, at=london(2026, 11, 4, 10))
    assert str(stopped.value) == (
        f"{case.reference} has no open deadline to respond to a complaint to pause."
    )
