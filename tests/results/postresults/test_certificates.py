"""Certificate despatches: opened by the portal at the release instant (never a second
before), once per centre and series, the clock from the instant; the results team records
the despatch or holds it, every move allowed, refused and repeated; the centre told once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.accounts.roles import ASSESSMENT_SPECIALIST, CUSTOMER_SERVICES
from portal.calendar import LONDON, end_of_day
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications.models import Notification
from portal.sla.models import Clock
from portal.sla.sweeps import breach_due_clocks
from results.postresults import certificates, services
from results.postresults.models import CertificateDespatch
from tests.factories import SeriesFactory, StaffFactory
from tests.results.postresults.conftest import JUNE_RELEASE, NOW, add_result

Status = CertificateDespatch.Status
SECOND = dt.timedelta(seconds=1)
# Two months from results day (11 August, London): the end of 11 October.
JUNE_DUE = end_of_day(dt.date(2026, 10, 11))


def clock_of(case) -> Clock:
    return Clock.objects.for_case(case).get()


def notices(case):
    return Notification.objects.filter(reference=case.reference)


# Opening at the release instant ---------------------------------------------------------


def test_sweep_a_second_before_the_instant_opens_nothing(june_results, centre_gb, time_machine):
    time_machine.move_to(JUNE_RELEASE - SECOND, tick=False)

    assert certificates.open_due_certificate_despatches() == 0
    with pytest.raises(services.NotYetReleased):
        certificates.open_certificate_despatch(centre=centre_gb, series=june_results)
    assert not CertificateDespatch.objects.exists()
    assert not Clock.objects.exists()


def test_sweep_a_second_after_opens_one_case_per_centre_with_issued_results(
    june_results, time_machine
):
    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)

    assert certificates.open_due_certificate_despatches() == 2

    cases = {c.centre.number: c for c in CertificateDespatch.objects.select_related("centre")}
    # AE003 has pending results only: no certificates yet.
    assert sorted(cases) == ["GB001", "PK002"]
    gb001 = cases["GB001"]
    assert (gb001.status, gb001.reference[:9], gb001.created_at) == (
        Status.DUE,
        "CRT-2026-",
        JUNE_RELEASE + SECOND,
    )
    # 0001 and 0002 have issued results; 0002's held syllabus and 0003's withheld result
    # are not certificated yet; 0004's pending result counts for neither.
    assert (gb001.candidates_covered, gb001.candidates_held) == (2, 2)
    assert (cases["PK002"].candidates_covered, cases["PK002"].candidates_held) == (1, 0)


def test_clock_starts_at_the_release_instant_not_when_the_sweep_ran(june_results, time_machine):
    # The beat was down on results day: the sweep comes round three days late.
    time_machine.move_to(JUNE_RELEASE + dt.timedelta(days=3), tick=False)

    certificates.open_due_certificate_despatches()

    clock = clock_of(CertificateDespatch.objects.get(centre__number="GB001"))
    assert (clock.code, clock.state, clock.started_at) == (
        "certificates.despatch",
        Clock.State.RUNNING,
        JUNE_RELEASE,
    )
    assert clock.due_at == JUNE_DUE
    assert timezone.localtime(clock.due_at, LONDON).date() == dt.date(2026, 10, 11)


def test_sweep_run_twice_opens_each_case_once(june_results, time_machine):
    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)
    assert certificates.open_due_certificate_despatches() == 2

    time_machine.move_to(JUNE_RELEASE + dt.timedelta(minutes=1), tick=False)
    assert certificates.open_due_certificate_despatches() == 0

    assert CertificateDespatch.objects.count() == 2
    assert Clock.objects.filter(code="certificates.despatch").count() == 2


def test_open_for_a_centre_twice_answers_the_same_case(june_results, centre_gb, time_machine):
    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)

    first = certificates.open_certificate_despatch(centre=centre_gb, series=june_results)
    again = certificates.open_certificate_despatch(centre=centre_gb, series=june_results)

    assert again.pk == first.pk and CertificateDespatch.objects.count() == 1


def test_sweep_works_in_bounded_batches(june_results, time_machine):
    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)

    assert certificates.open_due_certificate_despatches(batch=1) == 1
    assert certificates.open_due_certificate_despatches(batch=1) == 1
    assert certificates.open_due_certificate_despatches(batch=1) == 0
    assert CertificateDespatch.objects.count() == 2


def test_centre_whose_results_are_issued_late_gets_its_case_with_the_clock_from_the_instant(
    june_results, centre_gb, time_machine
):
    from tests.factories import CentreFactory

    late = CentreFactory(number="IN004", name="Late School", timezone="Asia/Kolkata")
    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)
    certificates.open_due_certificate_despatches()
    add_result(late, june_results, "0001", "0580")

    time_machine.move_to(JUNE_RELEASE + dt.timedelta(days=5), tick=False)
    assert certificates.open_due_certificate_despatches() == 1

    case = CertificateDespatch.objects.get(centre=late)
    assert clock_of(case).started_at == JUNE_RELEASE
    assert case.candidates_covered == 1


def test_sweep_never_reads_series_released_long_ago_nor_series_to_come(
    june_results, centre_gb, time_machine
):
    old = SeriesFactory(
        code="N25", name="November 2025", results_release_at=JUNE_RELEASE - dt.timedelta(days=200)
    )
    coming = SeriesFactory(
        code="N26", name="November 2026", results_release_at=NOW + dt.timedelta(days=90)
    )
    add_result(centre_gb, old, "0001", "0580")
    add_result(centre_gb, coming, "0001", "0580")
    time_machine.move_to(NOW, tick=False)

    certificates.open_due_certificate_despatches()

    assert set(CertificateDespatch.objects.values_list("series__code", flat=True)) == {"J26"}


def test_opening_tells_nobody(officer_gb, certificates_gb):
    assert not notices(certificates_gb).exists()


def test_sweep_task_opens_the_cases(june_results, time_machine):
    from results.postresults.tasks import open_certificate_despatches

    time_machine.move_to(JUNE_RELEASE + SECOND, tick=False)

    assert open_certificate_despatches.delay().get() == 2


# Despatch -----------------------------------------------------------------------------


def test_despatch_stops_the_clock_and_tells_the_centre_with_a_link(
    certificates_gb, results_team, officer_gb
):
    case = certificates.despatch_certificates(
        certificates_gb, by=results_team, courier="DHL Express", tracking_reference="JD0146"
    )

    assert (case.status, case.courier, case.tracking_reference) == (
        Status.DESPATCHED,
        "DHL Express",
        "JD0146",
    )
    assert (case.despatched_on, case.despatched_at, case.handled_by) == (
        dt.date(2026, 9, 7),
        NOW,
        results_team,
    )
    clock = clock_of(case)
    assert (clock.state, clock.stopped_at) == (Clock.State.MET, NOW)
    told = Notification.objects.get(user=officer_gb, key=f"crt:{case.pk}:despatched")
    assert "JD0146" in told.body and case.get_absolute_url() in told.body
    assert "2 candidates" in told.body and "not on these certificates" in told.body
    assert told.url == case.get_absolute_url()


def test_despatch_counts_again_what_went_out(certificates_gb, results_team, centre_gb):
    from results.models import QaHold

    QaHold.objects.update(released_at=NOW)  # QA accepted 0002's held grades

    case = certificates.despatch_certificates(certificates_gb, by=results_team, courier="DHL")

    assert (case.candidates_covered, case.candidates_held, case.counted_at) == (2, 1, NOW)


def test_despatch_recorded_a_day_late_stops_the_clock_on_the_day_it_went(
    certificates_gb, results_team
):
    case = certificates.despatch_certificates(
        certificates_gb, by=results_team, courier="DHL", despatched_on=dt.date(2026, 9, 4)
    )

    clock = clock_of(case)
    assert (clock.state, clock.stopped_at) == (Clock.State.MET, end_of_day(dt.date(2026, 9, 4)))
    assert case.despatched_at == NOW


def test_despatch_repeated_changes_nothing_and_tells_once(
    certificates_gb, results_team, officer_gb, time_machine
):
    first = certificates.despatch_certificates(certificates_gb, by=results_team, courier="DHL")
    time_machine.move_to(NOW + dt.timedelta(hours=2), tick=False)

    again = certificates.despatch_certificates(first, by=results_team, courier="Royal Mail")

    assert (again.courier, again.despatched_at) == ("DHL", NOW)
    assert notices(first).filter(key__endswith=":despatched").count() == 1


def test_despatch_refused_to_officers_and_other_roles(certificates_gb, officer_gb, officer_pk):
    others = [
        StaffFactory(username="specialist", roles=[ASSESSMENT_SPECIALIST]),
        StaffFactory(username="customer-services", roles=[CUSTOMER_SERVICES]),
    ]
    for person in (officer_gb, officer_pk, *others):
        with pytest.raises(PermissionDenied):
            certificates.despatch_certificates(certificates_gb, by=person, courier="DHL")

    certificates_gb.refresh_from_db()
    assert certificates_gb.status == Status.DUE and not notices(certificates_gb).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"courier": "  "}, "courier"),
        ({"courier": "x" * 101}, "courier"),
        ({"tracking_reference": "x" * 101}, "tracking_reference"),
        ({"despatched_on": dt.date(2026, 9, 8)}, "despatched_on"),
        ({"despatched_on": dt.date(2026, 8, 10)}, "despatched_on"),
    ],
)
def test_despatch_with_bad_input_is_refused_and_saves_nothing(
    changes, field, certificates_gb, results_team, officer_gb
):
    data = {"courier": "DHL", "tracking_reference": "JD0146", **changes}

    with pytest.raises(PortalError) as refused:
        certificates.despatch_certificates(certificates_gb, by=results_team, **data)

    assert refused.value.field == field
    certificates_gb.refresh_from_db()
    assert (certificates_gb.status, certificates_gb.courier) == (Status.DUE, "")
    assert clock_of(certificates_gb).state == Clock.State.RUNNING
    assert not notices(certificates_gb).exists()


def test_despatch_after_the_deadline_is_recorded_late(certificates_gb, results_team, time_machine):
    time_machine.move_to(JUNE_DUE + dt.timedelta(days=2), tick=False)

    case = certificates.despatch_certificates(certificates_gb, by=results_team, courier="DHL")

    clock = clock_of(case)
    assert (case.status, clock.state) == (Status.DESPATCHED, Clock.State.BREACHED)
    assert clock.stopped_at == JUNE_DUE + dt.timedelta(days=2)


# Hold and resume ------------------------------------------------------------------------


def test_hold_pauses_the_clock_and_tells_the_centre_what_is_needed(
    certificates_gb, results_team, officer_gb
):
    case = certificates.hold_certificates(
        certificates_gb, by=results_team, reason="Please confirm your delivery address."
    )

    assert (case.status, case.hold_reason) == (
        Status.HELD,
        "Please confirm your delivery address.",
    )
    assert clock_of(case).state == Clock.State.PAUSED
    told = Notification.objects.get(user=officer_gb, reference=case.reference)
    assert "confirm your delivery address" in told.body


def test_hold_repeated_changes_nothing_and_tells_once(certificates_gb, results_team, officer_gb):
    first = certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")

    again = certificates.hold_certificates(first, by=results_team, reason="Something else.")

    assert (again.status, again.hold_reason) == (Status.HELD, "Address?")
    assert notices(first).count() == 1


def test_hold_refused_to_an_officer_without_a_reason_and_once_despatched(
    certificates_gb, results_team, officer_gb
):
    with pytest.raises(PermissionDenied):
        certificates.hold_certificates(certificates_gb, by=officer_gb, reason="No.")
    with pytest.raises(PortalError) as refused:
        certificates.hold_certificates(certificates_gb, by=results_team, reason=" ")
    assert refused.value.field == "reason"
    certificates.despatch_certificates(certificates_gb, by=results_team, courier="DHL")

    with pytest.raises(TransitionNotAllowed):
        certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")


@pytest.mark.parametrize("swept", [True, False])
def test_hold_after_the_deadline_leaves_the_missed_deadline_missed(
    swept, certificates_gb, results_team, time_machine
):
    late = JUNE_DUE + dt.timedelta(days=1)
    time_machine.move_to(late, tick=False)
    if swept:
        breach_due_clocks(now=late, limit=10)

    case = certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")

    assert case.status == Status.HELD
    assert clock_of(case).state != Clock.State.PAUSED
    breach_due_clocks(now=late, limit=10)
    assert clock_of(case).state == Clock.State.BREACHED


def test_resume_runs_the_clock_again_with_the_days_held_added(
    certificates_gb, results_team, time_machine
):
    held = certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")
    time_machine.move_to(NOW + dt.timedelta(days=3), tick=False)

    case = certificates.resume_certificates(held, by=results_team)
    again = certificates.resume_certificates(case, by=results_team)

    assert (again.status, again.hold_reason) == (Status.DUE, "")
    clock = clock_of(case)
    assert (clock.state, clock.due_at) == (Clock.State.RUNNING, JUNE_DUE + dt.timedelta(days=3))


def test_resume_refused_to_an_officer_and_when_never_held(
    certificates_gb, results_team, officer_gb
):
    with pytest.raises(TransitionNotAllowed):
        certificates.resume_certificates(certificates_gb, by=results_team)
    held = certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")

    with pytest.raises(PermissionDenied):
        certificates.resume_certificates(held, by=officer_gb)


def test_despatch_from_a_hold_stops_the_paused_clock(certificates_gb, results_team):
    held = certificates.hold_certificates(certificates_gb, by=results_team, reason="Address?")

    case = certificates.despatch_certificates(held, by=results_team, courier="DHL")

    assert (case.status, clock_of(case).state) == (Status.DESPATCHED, Clock.State.MET)
