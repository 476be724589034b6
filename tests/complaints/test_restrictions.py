import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import Complaint, Criterion
from portal.accounts import roles
from tests.complaints.conftest import SERVICE
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

LEARNER = {
    **SERVICE,
    "direct_service": "verification",
    "contact_name": "Sam Jones",
    "contact_email": "Sam@Example.org",
}


@pytest.fixture
def investigator(db):
    return StaffFactory(username="investigator", roles=[roles.COMPLAINTS_INVESTIGATOR])


def _restrict(by, **contact):
    return services.record_restriction(
        by=by,
        criterion=Criterion.ABUSIVE_LANGUAGE,
        action="review_first",
        details="Abusive language in three emails on 2 and 3 March.",
        **contact,
    )


def test_restriction_tells_the_person(investigator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _restrict(investigator, email="sam@example.org")
    assert [m.to for m in mailoutbox] == [["sam@example.org"]]
    assert "Abusive, offensive or foul language" in mailoutbox[0].body


def test_restriction_needs_the_role(db):
    entries_team = StaffFactory(username="entries", roles=[roles.ENTRIES_TEAM])
    with pytest.raises(PermissionDenied):
        _restrict(entries_team, email="sam@example.org")


def test_new_submission_from_restricted_contact_is_held_not_dropped(investigator):
    _restrict(investigator, email="sam@example.org")
    complaint = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    assert Complaint.objects.get() == complaint
    assert complaint.status == "held"
    assert not complaint.deadlines.exists()


def test_new_submission_from_restricted_account_is_held(investigator, officer_gb, centre_gb):
    _restrict(investigator, user=officer_gb)
    complaint = services.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb
    )
    assert complaint.status == "held"


def test_held_submission_released_starts_the_clock(investigator, staff_user):
    _restrict(investigator, email="sam@example.org")
    held = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    released = services.release_held(held, by=staff_user)
    assert released.status == "received"
    assert released.deadlines.get().code == "complaint.acknowledge"
    assert services.release_held(released, by=staff_user).status == "received"


def test_held_submission_declined_with_reason(investigator, staff_user):
    _restrict(investigator, email="sam@example.org")
    held = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    closed = services.close_held(held, by=staff_user, reason="Already answered on 1 March.")
    assert closed.status == "closed"
    assert closed.messages.filter(body="Already answered on 1 March.").exists()


def test_lifted_restriction_no_longer_holds(investigator, staff_user):
    restriction = _restrict(investigator, email="sam@example.org")
    services.lift_restriction(restriction, by=staff_user)
    complaint = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    assert complaint.status == "received"


def test_restrict_from_the_case_page(client, investigator):
    complaint = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    sign_in(client, investigator)
    client.post(
        f"/complaints/{complaint.reference}/restrict/",
        {
            "restrict-criterion": "intimidation",
            "restrict-action": "written_only",
            "restrict-details": "Threats by phone.",
        },
    )
    assert complaint.restrictions.get().email == "sam@example.org"


def test_public_page_of_a_held_submission_promises_review_not_acknowledgement(client, investigator):
    _restrict(investigator, email="sam@example.org")
    form = {**LEARNER, "submitter_type": "learner", "direct_service": "certifying_statement"}

    page = client.post("/complaints/public/", form, follow=True).content.decode()

    assert Complaint.objects.get().status == "held"
    assert "acknowledge" not in page and "working days" not in page
    assert "reviewed by a member of staff before it is taken further" in page
