"""Post-results services: each service's clock, every move allowed, refused and repeated,
results to an institution sent at the release instant and never before, and a learner's
certifying statement without an account."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts.roles import ASSESSMENT_SPECIALIST
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications.models import Email, Notification
from portal.sla.models import Clock
from results.postresults import services
from results.postresults.models import ServiceRequest
from tests.factories import CandidateFactory, StaffFactory
from tests.results.postresults.conftest import NOVEMBER_RELEASE, NOW, learner_application

Status = ServiceRequest.Status


def clock_of(case) -> Clock:
    return Clock.objects.for_case(case).get()


@pytest.mark.parametrize(
    ("service", "code", "due"),
    [
        ("paper_copies", "results.paper_copies", dt.date(2026, 9, 17)),
        ("replacement_certificate", "certificates.replacement", dt.date(2026, 10, 5)),
    ],
)
def test_request_service_starts_the_clock_of_its_service(
    service, code, due, now, centre_gb, officer_gb, june, candidate
):
    case = services.request_service(
        centre=centre_gb, by=officer_gb, service=service, series=june, candidate_number="0001"
    )

    clock = clock_of(case)
    assert (case.status, case.reference[:4], clock.service_level.code) == (
        Status.RECEIVED,
        "SRV-",
        code,
    )
    assert clock.due_at.astimezone(dt.UTC).date() == due
    assert case.candidate == candidate and case.candidate_name == "Ada Khan"
    assert Notification.objects.filter(user=officer_gb, reference=case.reference).count() == 1


def test_request_service_refuses_paper_copies_before_results_are_out(
    now, centre_gb, officer_gb, november, candidate_november
):
    with pytest.raises(PortalError) as refused:
        services.request_service(
            centre=centre_gb,
            by=officer_gb,
            service="paper_copies",
            series=november,
            candidate_number="0001",
        )

    assert refused.value.field == "series"
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"candidate_number": "12"}, "candidate_number"),
        ({"candidate_number": "0999"}, "candidate_number"),
        ({"service": "certifying_statement"}, "service"),
        ({"service": "results_to_institution", "recipient_name": ""}, "recipient_name"),
        ({"service": "results_to_institution", "recipient_email": "nobody"}, "recipient_email"),
        ({"details": "x" * 2001}, "details"),
    ],
)
def test_request_service_refuses_bad_input_and_saves_nothing(
    changes, field, now, centre_gb, officer_gb, june, candidate
):
    data = {
        "service": "paper_copies",
        "series": june,
        "candidate_number": "0001",
        "recipient_name": "University of Example",
        "recipient_email": "admissions@example.ac.uk",
        **changes,
    }
    with pytest.raises(PortalError) as refused:
        services.request_service(centre=centre_gb, by=officer_gb, **data)

    assert refused.value.field == field
    assert not ServiceRequest.objects.exists()
    assert not Clock.objects.exists()


def test_request_service_refuses_another_centres_officer_and_staff(
    now, centre_gb, officer_pk, results_team, june, candidate
):
    for person in (officer_pk, results_team):
        with pytest.raises(PermissionDenied):
            services.request_service(
                centre=centre_gb,
                by=person,
                service="paper_copies",
                series=june,
                candidate_number="0001",
            )
    assert not ServiceRequest.objects.exists()


def test_despatch_stops_the_clock_and_tells_the_centre(paper_copies, results_team, officer_gb):
    case = services.despatch_request(paper_copies, by=results_team, note="Tracked: AB123.")

    assert (case.status, case.despatched_at, case.handled_by) == (
        Status.DESPATCHED,
        NOW,
        results_team,
    )
    assert clock_of(case).state == Clock.State.MET
    told = Notification.objects.get(user=officer_gb, key=f"postresults:{case.pk}:despatched")
    assert "AB123" in told.body


def test_despatch_repeated_changes_nothing(paper_copies, results_team, time_machine):
    first = services.despatch_request(paper_copies, by=results_team)
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)

    again = services.despatch_request(first, by=results_team)

    assert again.despatched_at == first.despatched_at == NOW
    assert Notification.objects.filter(key__endswith=":despatched").count() == 1


def test_despatch_refused_to_an_officer_and_another_role(paper_copies, officer_gb):
    specialist = StaffFactory(username="specialist", roles=[ASSESSMENT_SPECIALIST])
    for person in (officer_gb, specialist):
        with pytest.raises(PermissionDenied):
            services.despatch_request(paper_copies, by=person)
    paper_copies.refresh_from_db()
    assert paper_copies.status == Status.RECEIVED


def test_despatch_refused_once_declined(paper_copies, results_team):
    services.decline_request(paper_copies, by=results_team, reason="Not our candidate.")

    with pytest.raises(TransitionNotAllowed):
        services.despatch_request(paper_copies, by=results_team)


def test_decline_needs_a_reason_and_tells_why(paper_copies, results_team, officer_gb):
    with pytest.raises(PortalError) as refused:
        services.decline_request(paper_copies, by=results_team, reason="  ")
    assert refused.value.field == "reason"

    case = services.decline_request(paper_copies, by=results_team, reason="Results withheld.")
    again = services.decline_request(case, by=results_team, reason="Another reason.")

    assert (again.status, again.decline_reason) == (Status.DECLINED, "Results withheld.")
    assert clock_of(case).stopped_at == NOW
    assert Notification.objects.filter(user=officer_gb, key__endswith=":declined").count() == 1


def test_decline_refused_to_an_officer(paper_copies, officer_gb):
    with pytest.raises(PermissionDenied):
        services.decline_request(paper_copies, by=officer_gb, reason="No.")


def test_withdraw_cancels_the_clock_and_repeats_quietly(paper_copies, officer_gb):
    case = services.withdraw_request(paper_copies, by=officer_gb)
    again = services.withdraw_request(case, by=officer_gb)

    assert again.status == Status.WITHDRAWN
    assert clock_of(case).state == Clock.State.CANCELLED


def test_withdraw_refused_to_another_centre_and_once_despatched(
    paper_copies, officer_pk, officer_gb, results_team
):
    with pytest.raises(PermissionDenied):
        services.withdraw_request(paper_copies, by=officer_pk)
    services.despatch_request(paper_copies, by=results_team)

    with pytest.raises(TransitionNotAllowed):
        services.withdraw_request(paper_copies, by=officer_gb)


def test_results_to_an_institution_wait_for_the_release_instant(scheduled, time_machine):
    assert (scheduled.status, scheduled.despatched_at) == (Status.SCHEDULED, None)
    assert not Email.objects.filter(address="admissions@example.ac.uk").exists()

    time_machine.move_to(NOVEMBER_RELEASE - dt.timedelta(seconds=1), tick=False)
    assert services.send_due_results() == 0
    with pytest.raises(services.NotYetReleased):
        services.send_results(scheduled)

    time_machine.move_to(NOVEMBER_RELEASE, tick=False)
    assert services.send_due_results() == 1
    assert services.send_due_results() == 0

    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.despatched_at) == (Status.SENT, NOVEMBER_RELEASE)
    letter = Email.objects.get(address="admissions@example.ac.uk")
    assert "Ada Khan" in letter.body and scheduled.reference in letter.body


def test_results_to_an_institution_go_at_once_after_release(
    now, centre_gb, officer_gb, june, candidate
):
    from results.models import Result
    from tests.factories import SyllabusFactory

    syllabus = SyllabusFactory(code="0580", title="Mathematics")
    Result.objects.create(
        series=june, centre=centre_gb, candidate=candidate, syllabus=syllabus, grade="A*"
    )

    case = services.request_service(
        centre=centre_gb,
        by=officer_gb,
        service="results_to_institution",
        series=june,
        candidate_number="0001",
        recipient_name="Example Ltd",
        recipient_email="hr@example.com",
    )

    assert (case.status, case.despatched_at) == (Status.SENT, NOW)
    assert "0580 Mathematics: A*" in Email.objects.get(address="hr@example.com").body
    assert not Clock.objects.for_case(case).exists()


def test_send_refused_to_an_officer_and_before_release_to_staff(
    scheduled, officer_gb, results_team
):
    with pytest.raises(PermissionDenied):
        services.send_results(scheduled, by=officer_gb)
    with pytest.raises(services.NotYetReleased):
        services.send_results(scheduled, by=results_team)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


def test_withdrawn_before_results_day_is_never_sent(scheduled, officer_gb, time_machine):
    services.withdraw_request(scheduled, by=officer_gb)
    time_machine.move_to(NOVEMBER_RELEASE + dt.timedelta(minutes=1), tick=False)

    assert services.send_due_results() == 0
    assert not Email.objects.filter(address="admissions@example.ac.uk").exists()


def test_certifying_statement_without_an_account_starts_its_clock_and_emails_the_learner(
    now, june, centre_gb
):
    known = CandidateFactory(
        centre=centre_gb, series=june, candidate_number="0003", date_of_birth=dt.date(2008, 5, 14)
    )

    case = services.apply_for_certifying_statement(**learner_application(june))

    assert (case.status, case.centre, case.requested_by, case.candidate) == (
        Status.RECEIVED,
        None,
        None,
        known,
    )
    clock = clock_of(case)
    assert (clock.service_level.code, clock.started_at) == ("certifying_statement.despatch", NOW)
    assert clock.due_at.astimezone(dt.UTC).date() == dt.date(2026, 10, 5)
    email = Email.objects.get(address="amira@example.org")
    assert case.reference in email.body and email.user is None


def test_certifying_statement_by_uci_of_a_candidate_the_portal_does_not_hold(now, june):
    case = services.apply_for_certifying_statement(
        **learner_application(june, uci="gb0010009z", centre_number="", candidate_number="")
    )

    assert (case.uci, case.candidate) == ("GB0010009Z", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"date_of_birth": dt.date(2026, 9, 7)}, "date_of_birth"),
        ({"email": "not-an-email"}, "email"),
        ({"delivery_address": ""}, "delivery_address"),
        ({"centre_number": "", "candidate_number": ""}, "uci"),
        ({"uci": "GB-001"}, "uci"),
        ({"centre_number": "gb1"}, "centre_number"),
        ({"candidate_number": "3"}, "candidate_number"),
    ],
)
def test_certifying_statement_not_correctly_completed_is_refused(changes, field, now, june):
    with pytest.raises(PortalError) as refused:
        services.apply_for_certifying_statement(**learner_application(june, **changes))

    assert refused.value.field == field
    assert not ServiceRequest.objects.exists()
    assert not Email.objects.exists()


def test_certifying_statement_is_despatched_and_the_learner_told(now, june, results_team):
    case = services.apply_for_certifying_statement(**learner_application(june))

    case = services.despatch_request(case, by=results_team)

    assert clock_of(case).state == Clock.State.MET
    assert Email.objects.filter(address="amira@example.org").count() == 2


def test_certifying_statement_cannot_be_withdrawn_by_an_officer(now, june, officer_gb):
    case = services.apply_for_certifying_statement(**learner_application(june))

    with pytest.raises(PermissionDenied):
        services.withdraw_request(case, by=officer_gb)


def test_a_notice_is_dated_at_the_step_it_tells_of(june, staff_user):
    import datetime as dt

    from portal.notifications.models import Email

    case = services.apply_for_certifying_statement(**learner_application(june))
    step = case.created_at + dt.timedelta(hours=1)
    services.despatch_request(case, by=staff_user, at=step)
    # The learner has no account: the email is what tells them.
    despatched = Email.objects.filter(key=f"postresults:{case.pk}:despatched").get()
    assert despatched.created_at == step
