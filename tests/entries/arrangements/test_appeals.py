import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from portal.calendar import LONDON
from portal.errors import TransitionNotAllowed
from portal.notifications.models import Notification
from portal.sla.models import Clock
from tests.entries.arrangements.conftest import AA_URL, APPEALS_URL, SC_URL
from tests.signing_in import api_as

Status = Appeal.Status
INDEPENDENCE = (
    "You took part in the decision appealed against; another member of staff must decide "
    "this appeal."
)


def test_officer_lodges_stage_one_with_outcome_clock(officer_api, officer_gb, declined_aa):
    response = officer_api.post(
        f"{AA_URL}{declined_aa.reference}/appeal/", {"grounds": "The report."}, format="json"
    )

    assert response.status_code == 200, response.json()
    [summary] = response.json()["appeals"]
    assert (summary["stage"], summary["status"]) == (1, "received")
    appeal = Appeal.objects.get(reference=summary["reference"])
    assert appeal.reference.startswith("APL-")
    assert appeal.centre == declined_aa.centre
    clock = Clock.objects.for_case(appeal).get()
    assert clock.code == "appeal.outcome"
    started = london_day(appeal.created_at)
    assert london_day(clock.due_at) == started + dt.timedelta(days=28)
    assert Notification.objects.filter(user=officer_gb, reference=appeal.reference).exists()


def london_day(at):
    return at.astimezone(LONDON).date()


def test_appeal_needs_grounds(officer_api, declined_aa):
    response = officer_api.post(f"{AA_URL}{declined_aa.reference}/appeal/", {}, format="json")

    assert response.status_code == 400
    assert "grounds" in response.json()["errors"]
    assert not Appeal.objects.exists()


def test_appeal_refused_before_an_outcome_against_the_centre(officer_api, aa, specialist):
    waiting = officer_api.post(f"{AA_URL}{aa.reference}/appeal/", {"grounds": "x"})
    services.approve_access_arrangement(aa, by=specialist)
    approved = officer_api.post(f"{AA_URL}{aa.reference}/appeal/", {"grounds": "x"})

    assert waiting.status_code == 409
    assert approved.status_code == 409
    assert not Appeal.objects.exists()


def test_appeal_refused_to_staff(specialist, declined_aa):
    response = api_as(specialist).post(f"{AA_URL}{declined_aa.reference}/appeal/", {"grounds": "x"})

    assert response.status_code == 403


def test_appeal_repeated_while_one_is_open_refused(officer_api, appeal, declined_aa):
    response = officer_api.post(f"{AA_URL}{declined_aa.reference}/appeal/", {"grounds": "x"})

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"{declined_aa.reference} is already under appeal ({appeal.reference})."
    )
    assert Appeal.objects.count() == 1


def test_granted_consideration_may_be_appealed(officer_api, sc, specialist):
    services.grant_special_consideration(sc, by=specialist, adjustment_percent=1)

    response = officer_api.post(f"{SC_URL}{sc.reference}/appeal/", {"grounds": "Too little."})

    assert response.status_code == 200
    assert response.json()["appeals"][0]["stage"] == 1


# Who decides: never someone involved in the decision appealed against.


def test_original_decider_refused_with_a_clear_message(specialist, appeal):
    response = api_as(specialist).post(
        f"{APPEALS_URL}{appeal.reference}/uphold/", {"outcome": "Yes."}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": INDEPENDENCE}
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RECEIVED


def test_original_decider_refused_on_the_page_too(client, specialist, appeal):
    from tests.signing_in import sign_in

    sign_in(client, specialist)
    page = client.get(appeal.get_absolute_url())
    post = client.post(
        f"/arrangements/appeals/{appeal.reference}/dismiss/", {"dismiss-outcome": "No."}
    )

    assert INDEPENDENCE in page.text
    assert 'action="/arrangements/appeals/' not in page.text
    assert post.status_code == 403
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RECEIVED


def test_uphold_by_someone_else_approves_the_arrangement(
    second_specialist, officer_gb, appeal, declined_aa
):
    response = api_as(second_specialist).post(
        f"{APPEALS_URL}{appeal.reference}/uphold/", {"outcome": "The report is clear."}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "upheld"
    assert AccessArrangement.objects.get(pk=declined_aa.pk).status == "approved"
    assert list(Clock.objects.for_case(appeal).values_list("state", flat=True)) == ["met"]
    notice = Notification.objects.get(user=officer_gb, reference=appeal.reference, kind="decided")
    assert "upheld" in notice.body


def test_uphold_repeated_is_quiet_and_dismiss_after_it_409(second_specialist, appeal):
    api = api_as(second_specialist)
    api.post(f"{APPEALS_URL}{appeal.reference}/uphold/", {"outcome": "Yes."})

    again = api.post(f"{APPEALS_URL}{appeal.reference}/uphold/", {"outcome": "Yes."})
    dismissed = api.post(f"{APPEALS_URL}{appeal.reference}/dismiss/", {"outcome": "No."})

    assert again.status_code == 200
    assert dismissed.status_code == 409


def test_decide_refused_to_officer_and_customer_services(officer_api, appeal):
    from tests.factories import StaffFactory

    services_person = StaffFactory(username="cs", roles=["Customer services"])
    for api in (officer_api, api_as(services_person)):
        response = api.post(f"{APPEALS_URL}{appeal.reference}/dismiss/", {"outcome": "No."})
        assert response.status_code == 403


def test_director_may_decide_an_appeal(director, appeal):
    response = api_as(director).post(
        f"{APPEALS_URL}{appeal.reference}/dismiss/", {"outcome": "The evidence is thin."}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "not_upheld"


def test_upholding_consideration_needs_the_adjustment(second_specialist, sc_appeal, declined_sc):
    api = api_as(second_specialist)
    missing = api.post(f"{APPEALS_URL}{sc_appeal.reference}/uphold/", {"outcome": "Yes."})
    given = api.post(
        f"{APPEALS_URL}{sc_appeal.reference}/uphold/",
        {"outcome": "Yes.", "adjustment_percent": 4},
        format="json",
    )

    assert missing.status_code == 400
    assert "adjustment_percent" in missing.json()["errors"]
    assert given.status_code == 200
    revised = SpecialConsideration.objects.get(pk=declined_sc.pk)
    assert (revised.status, revised.adjustment_percent) == ("granted", 4)


def test_dismiss_needs_an_outcome(second_specialist, appeal):
    response = api_as(second_specialist).post(f"{APPEALS_URL}{appeal.reference}/dismiss/", {})

    assert response.status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RECEIVED


# The second stage.


@pytest.fixture
def dismissed(appeal, second_specialist):
    return services.dismiss_appeal(appeal, by=second_specialist, outcome="Not enough.")


def test_stage_two_within_fourteen_days_of_stage_one(officer_api, dismissed, declined_aa):
    response = officer_api.post(f"{AA_URL}{declined_aa.reference}/appeal/", {"grounds": "More."})

    assert response.status_code == 200
    assert [a["stage"] for a in response.json()["appeals"]] == [1, 2]


def test_stage_two_refused_after_fourteen_days(officer_gb, dismissed, declined_aa):
    decided = london_day(dismissed.decided_at)
    last_day = dt.datetime.combine(decided + dt.timedelta(days=14), dt.time(23, 0), LONDON)
    with (
        time_machine.travel(last_day + dt.timedelta(hours=2), tick=False),
        pytest.raises(TransitionNotAllowed, match="within 14 days") as refused,
    ):
        services.lodge_appeal(declined_aa, grounds="Late.", by=officer_gb)
    assert "second stage" in refused.value.message
    with time_machine.travel(last_day, tick=False):
        assert services.lodge_appeal(declined_aa, grounds="Just in.", by=officer_gb).stage == 2


def test_no_third_stage(officer_api, officer_gb, dismissed, declined_aa, director):
    second = services.lodge_appeal(declined_aa, grounds="More.", by=officer_gb)
    services.dismiss_appeal(second, by=director, outcome="Final.")

    response = officer_api.post(f"{AA_URL}{declined_aa.reference}/appeal/", {"grounds": "x"})

    assert response.status_code == 409
    assert "final" in response.json()["detail"]


def test_stage_two_decided_by_neither_original_nor_stage_one_decider(
    officer_gb, specialist, second_specialist, director, dismissed, declined_aa
):
    second = services.lodge_appeal(declined_aa, grounds="More.", by=officer_gb)

    for involved in (specialist, second_specialist):
        with pytest.raises(PermissionDenied, match="another member of staff"):
            services.uphold_appeal(second, by=involved, outcome="Yes.")
    decided = services.uphold_appeal(second, by=director, outcome="On reflection, yes.")

    assert decided.status == Status.UPHELD
    assert AccessArrangement.objects.get(pk=declined_aa.pk).status == "approved"


def test_late_outcome_is_breached(second_specialist, appeal):
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        services.dismiss_appeal(appeal, by=second_specialist, outcome="No.")

    assert list(Clock.objects.for_case(appeal).values_list("state", flat=True)) == ["breached"]


def test_another_centres_officer_gets_404(officer_pk, appeal):
    api = api_as(officer_pk)

    assert api.get(f"{APPEALS_URL}{appeal.reference}/").status_code == 404
    assert api.get(APPEALS_URL).json()["count"] == 0


def test_appeals_listed_for_their_centre(officer_api, appeal):
    body = officer_api.get(APPEALS_URL).json()

    assert [a["reference"] for a in body["results"]] == [appeal.reference]
    assert body["results"][0]["against"] == appeal.access_arrangement.reference
