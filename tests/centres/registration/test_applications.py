"""Centre applications: registering interest, confirming, completing, submitting, the
registration team's moves, resubmission after improvements, and the API."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from centres.registration import services
from centres.registration.applications import ApplicationFee, CentreApplication, SelfAssessment
from centres.registration.models import QualityStandard
from portal.accounts import roles
from portal.accounts.models import User
from portal.centres.models import Centre, Membership
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications.models import Email, Notification
from portal.sla.models import Clock
from tests.centres.registration.applications import (
    application_at,
    complete,
    ensure_reference_data,
    interest,
    pdf,
)
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import api_as, sign_in

Status = CentreApplication.Status
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def team(db, charter):
    return StaffFactory(username="registrar", roles=[roles.REGISTRATION_TEAM])


@pytest.fixture
def applicant(db):
    return UserFactory(username="head", email="head@nairobi-hills.example")


def _confirm_link() -> str:
    body = Email.objects.order_by("-pk").first().body
    return re.search(r"http://[^\s]+/join/confirm/[^\s]+", body).group(0)


# --- Registering interest and confirming ---------------------------------------------------


def test_register_interest_makes_an_unusable_account_and_sends_a_link(db, charter):
    ensure_reference_data()

    application = services.register_interest(data=interest(), password=PASSWORD)

    assert application.status == Status.UNCONFIRMED
    assert application.reference.startswith("APP-")
    assert not application.applicant.is_active
    assert application.applicant.username == "head@nairobi-hills.example"
    assert "/join/confirm/" in _confirm_link()
    assert not Clock.objects.filter(reference=application.reference).exists()


def test_confirming_the_email_registers_interest_and_starts_the_clock(client, db, charter):
    ensure_reference_data()
    application = services.register_interest(data=interest(), password=PASSWORD)
    path = _confirm_link().split("8000", 1)[-1].split("testserver", 1)[-1]
    path = path[path.index("/join/") :]

    page = client.get(path)
    confirmed = client.post(path)

    assert page.status_code == 200 and b"Confirm my email address" in page.content
    assert confirmed.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert application.applicant.is_active
    clock = application.deadlines.get()
    assert (clock.code, clock.state) == ("approval.visit", "running")
    # Not online: the 18 standards every school meets, their text copied.
    round_ = application.rounds.get()
    assert round_.assessments.count() == 18
    assert not round_.assessments.filter(code__in=["OP1", "ML6", "TL4", "TL6", "LR2"]).exists()
    # The link works once.
    assert b"not valid" in client.get(path).content


def test_online_school_is_assessed_against_all_26_standards(db, charter, applicant, team):
    application = application_at(
        "in_progress", applicant=applicant, staff=team, teaches_online=True
    )

    assert application.rounds.get().assessments.count() == 26


def test_confirm_link_with_a_bad_token_says_so(client, db):
    response = client.get(reverse("join:confirm", args=["MQ", "nonsense"]))

    assert response.status_code == 200
    assert b"This link is not valid" in response.content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"school_name": " "}, "school_name"),
        ({"country": "XX"}, "country"),
        ({"country": "US", "timezone": ""}, "timezone"),
        ({"country": "KE", "timezone": "Europe/London"}, "timezone"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"programmes": []}, "programmes"),
        ({"programmes": ["cooking"]}, "programmes"),
        ({"teaches_online": None}, "teaches_online"),
    ],
)
def test_register_interest_with_bad_input_saves_nothing(db, changes, field):
    with pytest.raises(PortalError) as refused:
        services.register_interest(data=interest(**changes), password=PASSWORD)

    assert refused.value.field == field
    assert not CentreApplication.objects.exists() and not User.objects.exists()


def test_register_interest_with_an_address_already_in_use_is_refused(db, applicant):
    with pytest.raises(PortalError) as refused:
        services.register_interest(data=interest(), password=PASSWORD)

    assert refused.value.field == "contact_email"


def test_interest_form_shows_field_errors_and_saves_nothing(client, db):
    response = client.post(
        reverse("join:interest"),
        {"school_name": "", "country": "KE", "password": "x", "password_again": "y"},
    )

    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"The two passwords are not the same" in response.content
    assert not CentreApplication.objects.exists()


def test_interest_form_with_a_weak_password_is_refused(client, db):
    data = {
        **interest(),
        "teaches_online": "no",
        "password": "password",
        "password_again": "password",
    }

    response = client.post(reverse("join:interest"), data)

    assert response.status_code == 400
    assert not CentreApplication.objects.exists() and not User.objects.exists()


# --- Completing and submitting --------------------------------------------------------------


def test_submit_is_refused_until_every_step_is_done(db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)

    with pytest.raises(PortalError) as refused:
        services.submit_application(application, by=applicant)

    assert "Tell us about the school" in refused.value.message
    assert CentreApplication.objects.get().status == Status.IN_PROGRESS


def test_submit_keeps_the_fee_of_the_country(db, applicant, team):
    ApplicationFee.objects.create(country="KE", currency="KES", amount=Decimal("150000"))
    application = application_at("in_progress", applicant=applicant, staff=team)
    complete(application, applicant)

    submitted = services.submit_application(application, by=applicant)
    again = services.submit_application(submitted, by=applicant)

    assert (submitted.status, submitted.fee_currency, submitted.fee_amount) == (
        Status.SUBMITTED,
        "KES",
        Decimal("150000"),
    )
    assert again.status == Status.SUBMITTED
    assert Notification.objects.filter(user=team, reference=application.reference).count() == 1


def test_submit_by_another_person_is_refused(db, applicant, team, officer_pk):
    application = application_at("in_progress", applicant=applicant, staff=team)

    with pytest.raises(Exception) as refused:
        services.submit_application(application, by=officer_pk)

    assert refused.type.__name__ == "PermissionDenied"


def test_evidence_of_the_wrong_type_saves_nothing_of_the_area(db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    html = SimpleUploadedFile("policy.pdf", b"<html><body>hi</body></html>", "application/pdf")

    with pytest.raises(PortalError) as refused:
        services.save_self_assessment(
            application,
            by=applicant,
            area=1,
            comments={"MV1": "Our mission."},
            evidence={"MV1": [pdf()], "MV2": [html]},
        )

    assert refused.value.field == "evidence_MV2"
    assert SelfAssessment.objects.get(code="MV1").comment == ""
    assert not SelfAssessment.objects.get(code="MV1").files.exists()


def test_assessment_keeps_the_text_it_was_made_against(db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    QualityStandard.objects.filter(code="MV1").update(text="A corrected text.")

    assessment = services.editable_round(application).assessments.get(code="MV1")

    assert assessment.text.startswith("The school has a clear mission statement")


def test_edit_after_submission_is_refused(db, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)

    with pytest.raises(TransitionNotAllowed):
        services.save_school_details(application, by=applicant, data={"address": "Elsewhere"})


# --- The registration team -----------------------------------------------------------------


def test_schedule_visit_tells_the_school(db, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)
    day = timezone.localdate() + dt.timedelta(days=14)

    scheduled = services.schedule_visit(application, by=team, date=day, mode="on_site")
    again = services.schedule_visit(scheduled, by=team, date=day, mode="on_site")

    assert (again.status, again.visit_date, again.visit_mode) == (
        Status.VISIT_SCHEDULED,
        day,
        "on_site",
    )
    told = Notification.objects.filter(user=applicant, kind="progress")
    assert told.count() == 1 and "approval visit" in told.get().subject


@pytest.mark.parametrize(
    ("day", "mode", "field"),
    [(-1, "remote", "date"), (400, "remote", "date"), (3, "by_pigeon", "mode")],
)
def test_schedule_visit_with_bad_input_changes_nothing(db, applicant, team, day, mode, field):
    application = application_at("submitted", applicant=applicant, staff=team)

    with pytest.raises(PortalError) as refused:
        services.schedule_visit(
            application, by=team, date=timezone.localdate() + dt.timedelta(days=day), mode=mode
        )

    assert refused.value.field == field
    assert CentreApplication.objects.get().status == Status.SUBMITTED


def test_schedule_visit_before_submission_is_refused_with_409(db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)

    with pytest.raises(TransitionNotAllowed):
        services.schedule_visit(
            application, by=team, date=timezone.localdate(timezone=application.zone), mode="remote"
        )


def test_request_improvements_with_an_empty_body_tells_the_school_in_general(db, applicant, team):
    application = application_at("visit_scheduled", applicant=applicant, staff=team)

    services.request_improvements(application, by=team)

    application.refresh_from_db()
    assert application.status == Status.IMPROVEMENTS_NEEDED
    told = Notification.objects.filter(user=applicant, kind="requested").get()
    assert "The registration team will send you its findings" in told.body


def test_improvements_then_resubmission_keep_both_rounds(db, applicant, team):
    application = application_at("improvements_needed", applicant=applicant, staff=team)
    clock = application.deadlines.get()
    told = Notification.objects.filter(user=applicant, kind="requested").get()

    services.save_self_assessment(
        application, by=applicant, area=1, comments={"MV1": "Published now."}, evidence={}
    )
    resubmitted = services.resubmit_application(application, by=applicant)
    approved = services.approve_application(resubmitted, by=team)

    assert clock.state == "met"  # stopped by the visit's first outcome
    assert "MV1: Publish it." in told.body
    first, second = approved.rounds.order_by("number")
    assert (first.outcome, second.outcome) == ("improvements_needed", "approved")
    assert first.assessments.get(code="MV1").comment == "We meet MV1."
    assert first.assessments.get(code="MV1").judgement == "improvement_needed"
    assert second.assessments.get(code="MV1").comment == "Published now."
    assert set(second.assessments.values_list("judgement", flat=True)) == {"met"}


def test_approve_makes_a_centre_with_the_applicant_as_its_officer(db, applicant, team):
    application = application_at("visit_scheduled", applicant=applicant, staff=team)

    approved = services.approve_application(application, by=team)
    again = services.approve_application(approved, by=team)

    centre = Centre.objects.get(number="KE001")
    assert again.centre == centre and again.status == Status.APPROVED
    assert (centre.name, centre.timezone, centre.programmes) == (
        "Nairobi Hills School",
        "Africa/Nairobi",
        ["upper_secondary"],
    )
    assert Membership.objects.get(centre=centre).user == applicant
    assert approved.deadlines.get().state == "met"
    assert "KE001" in Notification.objects.get(user=applicant, kind="decided").subject


def test_approve_while_a_standard_needs_improvement_is_refused(db, applicant, team):
    application = application_at("visit_scheduled", applicant=applicant, staff=team)
    services.record_judgements(
        application,
        by=team,
        judgements=[{"code": "LR1", "judgement": "improvement_needed", "improvement": "Show it."}],
    )

    with pytest.raises(PortalError):
        services.approve_application(application, by=team)

    assert not Centre.objects.exists()


def test_approve_by_the_applicant_is_refused(db, applicant, team):
    application = application_at("visit_scheduled", applicant=applicant, staff=team)

    with pytest.raises(Exception) as refused:
        services.approve_application(application, by=applicant)

    assert refused.type.__name__ == "PermissionDenied"
    assert not Centre.objects.exists()


# --- The API ---------------------------------------------------------------------------------


def test_api_journey_schedule_improve_resubmit_approve(db, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)
    url = f"/api/v1/centre-applications/{application.reference}"
    staff, school = api_as(team), api_as(applicant)
    day = timezone.localdate(timezone=application.zone) + dt.timedelta(days=7)
    judgements = {
        "judgements": [{"code": "TL1", "judgement": "improvement_needed", "improvement": "Hire."}]
    }

    visit = staff.post(
        f"{url}/schedule-visit/", {"date": day.isoformat(), "mode": "remote"}, format="json"
    )
    # Before the visit: nothing it finds can be recorded, and its clock runs on.
    early = staff.post(f"{url}/request-improvements/", judgements, format="json")
    assert early.status_code == 400
    assert early.json()["errors"]["non_field_errors"] == [
        f"The approval visit is on {day.day} {day:%B %Y}: what it finds can be recorded "
        "from that day."
    ]
    assert staff.get(f"{url}/").json()["deadlines"][0]["state"] == "running"

    on_the_day = dt.datetime.combine(day, dt.time(9, 0), tzinfo=application.zone)
    with time_machine.travel(on_the_day, tick=False):
        improve = staff.post(f"{url}/request-improvements/", judgements, format="json")
        resubmit = school.post(f"{url}/resubmit/")
        approve = staff.post(f"{url}/approve/", {}, format="json")

    assert [r.status_code for r in (visit, improve, resubmit, approve)] == [200] * 4
    assert visit.json()["status"] == "visit_scheduled"
    assert improve.json()["status"] == "improvements_needed"
    assert approve.json()["status"] == "approved"
    assert approve.json()["centre"] == "KE001"
    assert [r["number"] for r in approve.json()["rounds"]] == [1, 2]
    deadline = approve.json()["deadlines"][0]
    assert (deadline["code"], deadline["state"]) == ("approval.visit", "met")


def test_api_applicant_sees_only_their_own(db, applicant, team, officer_pk):
    application = application_at("submitted", applicant=applicant, staff=team)
    url = f"/api/v1/centre-applications/{application.reference}/"

    own = api_as(applicant).get(url)
    other = api_as(officer_pk).get(url)
    listed = api_as(officer_pk).get("/api/v1/centre-applications/")

    assert own.status_code == 200 and own.json()["actions"] == ["withdraw"]
    assert other.status_code == 404
    assert listed.json()["count"] == 0


def test_api_transition_refusals(db, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)
    url = f"/api/v1/centre-applications/{application.reference}"

    by_school = api_as(applicant).post(f"{url}/approve/", {}, format="json")
    too_early = api_as(team).post(f"{url}/approve/", {}, format="json")
    bad_body = api_as(team).post(f"{url}/schedule-visit/", {"date": "soon"}, format="json")

    assert by_school.status_code == 403
    assert too_early.status_code == 409
    assert bad_body.status_code == 400
    assert set(bad_body.json()["errors"]) == {"date", "mode"}
    assert CentreApplication.objects.get().status == Status.SUBMITTED


def test_api_staff_without_the_registration_role_get_403(db, applicant, team):
    application_at("submitted", applicant=applicant, staff=team)
    specialist = StaffFactory(username="spec", roles=[roles.ASSESSMENT_SPECIALIST])

    response = api_as(specialist).get("/api/v1/centre-applications/")

    assert response.status_code == 403


# --- Pages ------------------------------------------------------------------------------------


def test_steps_save_and_continue_and_keep_what_was_typed(client, db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    sign_in(client, applicant)
    school = reverse("join:school", args=[application.reference])

    bad = client.post(school, {"student_count": "0", "age_range": "teens"})
    good = client.post(
        school, {"address": "Ngong Road", "student_count": "640", "then": "continue"}
    )
    area = client.post(
        reverse("join:area", args=[application.reference, 1]),
        {"comment_MV1": "Our mission.", "evidence_MV1": pdf(), "then": "later"},
    )

    assert bad.status_code == 400 and b"There is a problem" in bad.content
    assert good.status_code == 302 and good["Location"].endswith("/standards/1/")
    assert area.status_code == 302 and area["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert (application.address, application.student_count) == ("Ngong Road", 640)
    assessment = services.editable_round(application).assessments.get(code="MV1")
    assert assessment.comment == "Our mission." and assessment.files.count() == 1


def test_case_page_offers_submission_once_complete(client, db, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    complete(application, applicant)
    sign_in(client, applicant)

    page = client.get(application.get_absolute_url())
    unconfirmed = client.post(reverse("join:submit", args=[application.reference]), {})
    done = client.post(
        reverse("join:submit", args=[application.reference]), {"submit-confirm": "on"}
    )

    assert b"GBP 1,250.00" in page.content
    assert unconfirmed.status_code == 400
    assert done.status_code == 302
    assert CentreApplication.objects.get().status == Status.SUBMITTED


def test_staff_judge_and_approve_on_the_case_page(client, db, applicant, team):
    application = application_at("visit_scheduled", applicant=applicant, staff=team)
    sign_in(client, team)
    refused = client.post(
        reverse("join:approve", args=[application.reference]),
        {"judge-judgement_MV1": "improvement_needed", "judge-improvement_MV1": ""},
    )
    approved = client.post(
        reverse("join:approve", args=[application.reference]),
        {"judge-judgement_MV1": "met", "judge-note": "Welcome."},
    )

    assert refused.status_code == 400 and b"MV1: say what the school must do" in refused.content
    assert approved.status_code == 302
    assert CentreApplication.objects.get().centre.number == "KE001"


def test_another_applicant_gets_404_on_the_pages(client, db, applicant, team, officer_pk):
    application = application_at("in_progress", applicant=applicant, staff=team)
    sign_in(client, officer_pk)

    for path in (
        application.get_absolute_url(),
        reverse("join:school", args=[application.reference]),
        reverse("join:area", args=[application.reference, 1]),
    ):
        assert client.get(path).status_code == 404


def test_no_outcome_before_the_visit_day_and_the_page_says_when(client, db, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)
    day = timezone.localdate(timezone=application.zone) + dt.timedelta(days=30)
    application = services.schedule_visit(application, by=team, date=day, mode="on_site")

    for decide in (services.approve_application, services.request_improvements):
        with pytest.raises(PortalError, match="what it finds can be recorded from that day"):
            decide(application, by=team)
    with pytest.raises(PortalError):
        services.record_judgements(
            application, by=team, judgements=[{"code": "TL1", "judgement": "met"}]
        )
    sign_in(client, team)
    page = client.get(application.get_absolute_url()).content.decode()
    assert f"The approval visit is on {day.day} {day:%B %Y}" in page
    assert "Ask for improvements" not in page and "Approve: make the school a centre" not in page

    application.refresh_from_db()
    assert application.status == Status.VISIT_SCHEDULED
    assert application.deadlines.get().state == "running"
