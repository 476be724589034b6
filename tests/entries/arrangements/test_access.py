import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement
from portal.calendar import LONDON
from portal.notifications.models import Notification
from portal.sla.models import Clock
from tests.entries.arrangements.conftest import AA_URL, apply_aa
from tests.factories import CentreFactory, MembershipFactory, StaffFactory
from tests.signing_in import api_as

Status = AccessArrangement.Status
BODY = {"series": "N27", "candidate_number": "0001", "arrangement": "reader", "reason": "Sight."}


def _clocks(case):
    return list(Clock.objects.for_case(case).values_list("code", "state"))


@pytest.mark.parametrize("arrangement", ["extra_time_25", "word_processor", "rest_breaks"])
def test_self_granted_arrangement_approved_at_once_without_clock(
    officer_api, candidate, arrangement
):
    response = officer_api.post(AA_URL, {**BODY, "arrangement": arrangement}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert body["deadlines"] == []
    assert body["centre"] == "GB001"
    assert body["reference"].startswith("AA-")


@pytest.mark.parametrize(
    "arrangement",
    ["reader", "scribe", "practical_assistant", "extra_time_over_25", "modified_paper"],
)
def test_arrangement_needing_approval_starts_acknowledge_clock(officer_api, candidate, arrangement):
    response = officer_api.post(AA_URL, {**BODY, "arrangement": arrangement}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert [(d["code"], d["state"]) for d in body["deadlines"]] == [("aa.acknowledge", "running")]


def test_acknowledge_clock_due_in_two_working_days_over_bank_holiday(officer_gb, candidate):
    # The charter's worked example: Fri 22 May 2026 09:00, 25 May is a bank holiday.
    candidate.series.access_arrangements_deadline = dt.date(2026, 6, 1)
    candidate.series.save()
    start = dt.datetime(2026, 5, 22, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=False):
        case = apply_aa(officer_gb, candidate)

    clock = Clock.objects.for_case(case).get()
    assert clock.due_at.astimezone(LONDON).date() == dt.date(2026, 5, 27)


def test_application_needing_approval_after_deadline_refused_clearly(officer_api, candidate):
    candidate.series.access_arrangements_deadline = timezone.now().date() - dt.timedelta(days=2)
    candidate.series.save()

    response = officer_api.post(AA_URL, BODY, format="json")

    assert response.status_code == 400
    message = response.json()["errors"]["arrangement"][0]
    assert message.startswith("The deadline for access arrangements that need approval in")
    assert "grant" in message
    assert not AccessArrangement.objects.exists()


def test_application_on_deadline_day_accepted_until_its_end_in_london(officer_gb, candidate):
    candidate.series.access_arrangements_deadline = dt.date(2027, 3, 1)
    candidate.series.save()
    with time_machine.travel(dt.datetime(2027, 3, 1, 23, 59, tzinfo=LONDON), tick=False):
        assert apply_aa(officer_gb, candidate).status == Status.RECEIVED
    with (
        time_machine.travel(dt.datetime(2027, 3, 2, 0, 1, tzinfo=LONDON), tick=False),
        pytest.raises(services.PortalError, match="deadline"),
    ):
        apply_aa(officer_gb, candidate, arrangement="scribe")


def test_self_granted_arrangement_accepted_after_deadline(officer_api, candidate):
    candidate.series.access_arrangements_deadline = timezone.now().date() - dt.timedelta(days=2)
    candidate.series.save()

    response = officer_api.post(AA_URL, {**BODY, "arrangement": "rest_breaks"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "approved"


def test_minimal_contract_body_is_enough(officer_api, candidate):
    response = officer_api.post(AA_URL, BODY, format="json")

    assert response.status_code == 201
    assert response.json()["candidate_number"] == "0001"
    assert response.json()["series"] == "N27"


def test_another_centres_candidate_number_is_a_field_error(officer_api, candidate, candidate_pk):
    response = officer_api.post(AA_URL, {**BODY, "candidate_number": "0002"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "candidate_number": ["GB001 has no candidate with that number in November 2027."]
        }
    }
    assert not AccessArrangement.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"series": "X99"}, "series"),
        ({"candidate_number": "12"}, "candidate_number"),
        ({"arrangement": "a_pony"}, "arrangement"),
        ({"reason": ""}, "reason"),
        ({"centre": "PK002"}, "centre"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(officer_api, candidate, change, field):
    response = officer_api.post(AA_URL, {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AccessArrangement.objects.exists()


def test_officer_of_several_centres_names_the_centre(officer_gb, candidate):
    MembershipFactory(user=officer_gb, centre=CentreFactory(number="GB002"))
    api = api_as(officer_gb)

    unnamed = api.post(AA_URL, BODY, format="json")
    named = api.post(AA_URL, {**BODY, "centre": "GB001"}, format="json")

    assert unnamed.status_code == 400
    assert unnamed.json()["errors"] == {"centre": ["Say which of your centres this is for."]}
    assert named.status_code == 201


def test_staff_apply_for_a_named_centre(staff_api, candidate):
    response = staff_api.post(AA_URL, {**BODY, "centre": "GB001"}, format="json")

    assert response.status_code == 201
    assert response.json()["centre"] == "GB001"


def test_same_arrangement_twice_refused(officer_api, candidate):
    first = officer_api.post(AA_URL, BODY, format="json").json()["reference"]

    again = officer_api.post(AA_URL, BODY, format="json")

    assert again.status_code == 400
    assert first in again.json()["errors"]["arrangement"][0]
    assert AccessArrangement.objects.count() == 1


def test_received_application_tells_the_centres_officers(officer_gb, aa):
    notice = Notification.objects.get(user=officer_gb, reference=aa.reference)
    assert notice.kind == "received"
    assert "within 2 working days" in notice.body


# Moves: allowed, refused (403 role, 409 status) and repeated.


def test_acknowledge_stops_clock_and_tells_officers(specialist, officer_gb, aa):
    response = api_as(specialist).post(f"{AA_URL}{aa.reference}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    assert _clocks(aa) == [("aa.acknowledge", "met")]
    assert Notification.objects.filter(user=officer_gb, kind="acknowledged").count() == 1


def test_acknowledge_refused_to_officer_and_to_roles_not_deciding(officer_api, aa, director):
    assert officer_api.post(f"{AA_URL}{aa.reference}/acknowledge/").status_code == 403
    assert api_as(director).post(f"{AA_URL}{aa.reference}/acknowledge/").status_code == 403
    assert AccessArrangement.objects.get(pk=aa.pk).status == Status.RECEIVED


def test_acknowledge_repeated_is_quiet(specialist, officer_gb, aa):
    api = api_as(specialist)
    api.post(f"{AA_URL}{aa.reference}/acknowledge/")

    again = api.post(f"{AA_URL}{aa.reference}/acknowledge/")

    assert again.status_code == 200
    assert Notification.objects.filter(user=officer_gb, kind="acknowledged").count() == 1


def test_acknowledge_refused_once_decided(specialist, declined_aa):
    response = api_as(specialist).post(f"{AA_URL}{declined_aa.reference}/acknowledge/")

    assert response.status_code == 409
    assert "declined" in response.json()["detail"]


def test_approve_straight_from_received_meets_clock(specialist, officer_gb, aa):
    response = api_as(specialist).post(
        f"{AA_URL}{aa.reference}/approve/", {"note": "For all papers."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decision_note"] == "For all papers."
    assert _clocks(aa) == [("aa.acknowledge", "met")]
    assert Notification.objects.filter(user=officer_gb, kind="decided").count() == 1


def test_approve_repeated_is_quiet_and_decline_after_it_refused(specialist, aa):
    api = api_as(specialist)
    api.post(f"{AA_URL}{aa.reference}/approve/", {}, format="json")

    assert api.post(f"{AA_URL}{aa.reference}/approve/", {}, format="json").status_code == 200
    declined = api.post(f"{AA_URL}{aa.reference}/decline/", {"reason": "No."}, format="json")
    assert declined.status_code == 409


def test_decline_needs_a_reason(specialist, aa):
    response = api_as(specialist).post(f"{AA_URL}{aa.reference}/decline/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert AccessArrangement.objects.get(pk=aa.pk).status == Status.RECEIVED


def test_decline_refused_to_officer(officer_api, aa):
    response = officer_api.post(f"{AA_URL}{aa.reference}/decline/", {"reason": "x"}, format="json")

    assert response.status_code == 403


def test_self_granted_arrangement_cannot_be_decided_by_staff(specialist, officer_gb, candidate):
    case = apply_aa(officer_gb, candidate, arrangement="word_processor")

    response = api_as(specialist).post(f"{AA_URL}{case.reference}/decline/", {"reason": "x"})

    assert response.status_code == 409


def test_late_acknowledgement_is_breached(specialist, aa):
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        services.acknowledge_access_arrangement(aa, by=specialist)

    assert _clocks(aa) == [("aa.acknowledge", "breached")]


def test_another_centres_officer_gets_404(officer_pk, aa):
    api = api_as(officer_pk)

    assert api.get(f"{AA_URL}{aa.reference}/").status_code == 404
    assert api.post(f"{AA_URL}{aa.reference}/appeal/", {"grounds": "x"}).status_code == 404
    assert api.get(AA_URL).json()["count"] == 0


def test_staff_without_the_role_get_403(aa):
    entries = StaffFactory(username="entries-only", roles=["Entries team"])

    assert api_as(entries).get(AA_URL).status_code == 403
    assert api_as(entries).get(f"{AA_URL}{aa.reference}/").status_code == 403


def test_list_filters_by_arrangement_and_series(officer_api, officer_gb, candidate):
    apply_aa(officer_gb, candidate, arrangement="scribe")
    apply_aa(officer_gb, candidate, arrangement="rest_breaks")

    scribes = officer_api.get(AA_URL, {"arrangement": "scribe", "series": "N27"}).json()
    bad = officer_api.get(AA_URL, {"arrangement": "a_pony"})

    assert [c["arrangement"] for c in scribes["results"]] == ["scribe"]
    assert bad.status_code == 400
