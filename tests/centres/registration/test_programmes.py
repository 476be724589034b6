"""Requests to offer additional programmes: asked by a centre, answered by the registration
team within programmes.respond; every move allowed, refused and repeated."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from centres.registration.programmes import services
from centres.registration.programmes.models import RESPOND, ProgrammeRequest
from portal.accounts.roles import ASSESSMENT_SPECIALIST, REGISTRATION_TEAM
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications.models import Notification
from portal.sla.models import Clock
from tests.factories import StaffFactory
from tests.signing_in import api_as, sign_in

Status = ProgrammeRequest.Status
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _charter(charter):
    """Requests start a clock: every test here has the charter."""


@pytest.fixture
def registration_staff(db):
    return StaffFactory(username="registrar", roles=[REGISTRATION_TEAM])


@pytest.fixture
def received(centre_gb, officer_gb, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return services.request_programmes(
        centre=centre_gb,
        by=officer_gb,
        programmes=["advanced", "primary"],
        reason="New sixth form.",
    )


def _clock(case) -> Clock:
    return case.deadlines.get(code=RESPOND)


def test_request_starts_the_clock_and_tells_the_centre(registration_staff, received, officer_gb):
    clock = _clock(received)

    assert received.reference.startswith("PRG-2027-")
    assert received.programmes == ["primary", "advanced"]
    assert clock.state == Clock.State.RUNNING
    # Three working days after Monday 1 March: the end of Thursday 4 March, London.
    assert clock.due_at == dt.datetime(2027, 3, 4, 23, 59, 59, 999999, tzinfo=dt.UTC)
    notices = Notification.objects.filter(reference=received.reference)
    assert list(notices.values_list("user__username", "kind")) == [("officer1", "received")]


@pytest.mark.parametrize(
    ("programmes", "message"),
    [([], "at least one"), (["music"], "Not a programme"), (["upper_secondary"], "already offers")],
)
def test_request_bad_input_is_refused_and_nothing_saved(centre_gb, officer_gb, programmes, message):
    centre_gb.programmes = ["upper_secondary"]
    centre_gb.save()

    with pytest.raises(PortalError, match=message):
        services.request_programmes(centre=centre_gb, by=officer_gb, programmes=programmes)

    assert ProgrammeRequest.objects.count() == 0


def test_request_for_a_programme_already_waiting_is_refused(received, centre_gb, officer_gb):
    with pytest.raises(PortalError, match=f"already asked for in {received.reference}"):
        services.request_programmes(centre=centre_gb, by=officer_gb, programmes=["advanced"])


def test_request_by_another_centres_officer_is_refused(centre_gb, officer_pk):
    with pytest.raises(PermissionDenied):
        services.request_programmes(centre=centre_gb, by=officer_pk, programmes=["advanced"])


# Grant ------------------------------------------------------------------------------------


def test_grant_adds_the_programmes_and_meets_the_clock(received, registration_staff, centre_gb):
    case = services.grant_request(received, by=registration_staff, note="Welcome.")

    centre_gb.refresh_from_db()
    assert case.status == Status.GRANTED
    assert centre_gb.programmes == ["primary", "advanced"]
    assert _clock(case).state == Clock.State.MET
    assert Notification.objects.filter(kind="answered", reference=case.reference).count() == 1


def test_grant_repeated_changes_nothing(received, registration_staff, centre_gb):
    services.grant_request(received, by=registration_staff)

    again = services.grant_request(received, by=registration_staff)

    assert again.status == Status.GRANTED
    assert Notification.objects.filter(kind="answered", reference=received.reference).count() == 1


def test_grant_by_the_centres_officer_is_refused(received, officer_gb, centre_gb):
    with pytest.raises(PermissionDenied):
        services.grant_request(received, by=officer_gb)

    centre_gb.refresh_from_db()
    assert centre_gb.programmes == []


def test_grant_after_decline_is_refused(received, registration_staff):
    services.decline_request(received, by=registration_staff, reason="No teachers yet.")

    with pytest.raises(TransitionNotAllowed):
        services.grant_request(received, by=registration_staff)


# Decline ----------------------------------------------------------------------------------


def test_decline_keeps_the_centres_programmes_and_says_why(received, registration_staff):
    case = services.decline_request(received, by=registration_staff, reason="No teachers yet.")

    assert (case.status, case.answer) == (Status.DECLINED, "No teachers yet.")
    assert case.centre.programmes == []
    assert _clock(case).state == Clock.State.MET


def test_decline_without_a_reason_is_refused(received, registration_staff):
    with pytest.raises(PortalError, match="Say why"):
        services.decline_request(received, by=registration_staff, reason="  ")

    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_decline_repeated_changes_nothing(received, registration_staff):
    services.decline_request(received, by=registration_staff, reason="No.")

    again = services.decline_request(received, by=registration_staff, reason="Still no.")

    assert again.answer == "No."


def test_decline_by_staff_of_another_role_is_refused(received):
    specialist = StaffFactory(username="spec", roles=[ASSESSMENT_SPECIALIST])

    with pytest.raises(PermissionDenied):
        services.decline_request(received, by=specialist, reason="No.")


# Withdraw ---------------------------------------------------------------------------------


def test_withdraw_cancels_the_clock(received, officer_gb):
    case = services.withdraw_request(received, by=officer_gb)

    assert case.status == Status.WITHDRAWN
    assert _clock(case).state == Clock.State.CANCELLED


def test_withdraw_repeated_changes_nothing(received, officer_gb):
    services.withdraw_request(received, by=officer_gb)

    assert services.withdraw_request(received, by=officer_gb).status == Status.WITHDRAWN


def test_withdraw_by_staff_or_another_centre_is_refused(received, registration_staff, officer_pk):
    for person in (registration_staff, officer_pk):
        with pytest.raises(PermissionDenied):
            services.withdraw_request(received, by=person)


def test_withdraw_after_grant_is_refused(received, registration_staff, officer_gb):
    services.grant_request(received, by=registration_staff)

    with pytest.raises(TransitionNotAllowed):
        services.withdraw_request(received, by=officer_gb)


# API --------------------------------------------------------------------------------------


def test_api_officer_asks_and_follows(officer_api):
    created = officer_api.post("/api/v1/programme-requests/", {"programmes": ["advanced"]})
    listed = officer_api.get("/api/v1/programme-requests/")

    assert created.status_code == 201
    body = created.json()
    assert (body["centre"], body["status"], body["actions"]) == ("GB001", "received", ["withdraw"])
    assert body["deadlines"][0]["code"] == RESPOND
    assert [r["reference"] for r in listed.json()["results"]] == [body["reference"]]


def test_api_bad_programme_is_400_and_nothing_saved(officer_api):
    response = officer_api.post("/api/v1/programme-requests/", {"programmes": ["music"]})

    assert response.status_code == 400
    assert "programmes" in response.json()["errors"]
    assert ProgrammeRequest.objects.count() == 0


def test_api_grant_by_staff_then_again(received, registration_staff):
    api = api_as(registration_staff)
    url = f"/api/v1/programme-requests/{received.reference}/grant/"

    first, again = api.post(url, {}), api.post(url, {})

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["status"] == "granted"


def test_api_grant_by_officer_is_403(received, officer_api):
    response = officer_api.post(f"/api/v1/programme-requests/{received.reference}/grant/", {})

    assert response.status_code == 403


def test_api_decline_after_withdraw_is_409(received, officer_api, registration_staff):
    officer_api.post(f"/api/v1/programme-requests/{received.reference}/withdraw/")

    response = api_as(registration_staff).post(
        f"/api/v1/programme-requests/{received.reference}/decline/", {"reason": "No."}
    )

    assert response.status_code == 409


def test_api_another_centres_officer_gets_404(received, officer_pk):
    api = api_as(officer_pk)

    detail = api.get(f"/api/v1/programme-requests/{received.reference}/")
    withdraw = api.post(f"/api/v1/programme-requests/{received.reference}/withdraw/")

    assert (detail.status_code, withdraw.status_code) == (404, 404)
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


# Pages ------------------------------------------------------------------------------------


def test_page_officer_asks_with_the_form(client, officer_gb, centre_gb):
    sign_in(client, officer_gb)

    response = client.post(
        "/programmes/new/", {"centre": centre_gb.pk, "programmes": ["primary"], "reason": ""}
    )

    case = ProgrammeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert client.get("/programmes/").status_code == 200


def test_page_form_without_a_programme_shows_the_error(client, officer_gb, centre_gb):
    sign_in(client, officer_gb)

    response = client.post("/programmes/new/", {"centre": centre_gb.pk})

    assert response.status_code == 400
    assert b"Error: Ask to offer more programmes" in response.content
    assert ProgrammeRequest.objects.count() == 0


def test_page_staff_declines_without_reason_then_with(client, received, registration_staff):
    sign_in(client, registration_staff)
    url = f"{received.get_absolute_url()}decline/"

    refused = client.post(url, {"decline-reason": ""})
    done = client.post(url, {"decline-reason": "No teachers yet."})

    assert refused.status_code == 400
    assert done.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.DECLINED


def test_page_case_offers_the_officer_only_withdraw(client, received, officer_gb):
    sign_in(client, officer_gb)

    response = client.get(received.get_absolute_url())

    assert response.status_code == 200
    assert response.context["actions"] == {"withdraw"}


def test_queue_registration_team_sees_requests(client, received, registration_staff):
    sign_in(client, registration_staff)

    response = client.get("/admin/registration/programmerequest/")

    assert response.status_code == 200
    assert received.reference in response.content.decode()


def test_queue_other_roles_are_refused(client, received):
    specialist = StaffFactory(username="spec", roles=[ASSESSMENT_SPECIALIST])
    sign_in(client, specialist)

    assert client.get("/admin/registration/programmerequest/").status_code == 403
    assert client.get(received.get_absolute_url()).status_code == 403


def test_a_notice_is_dated_at_the_step_not_at_the_moment_it_was_recorded(
    registration_staff, received, officer_gb
):
    # A step recorded later than it happened (a sweep catching up, staff back-dating a
    # decision taken on the phone) is told at the time of the step.
    step = MONDAY + dt.timedelta(hours=1)
    services.grant_request(received, by=registration_staff, at=step)
    granted = Notification.objects.filter(user=officer_gb, reference=received.reference).latest(
        "pk"
    )
    assert granted.created_at == step
