import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from entries.models import Entry, Series
from portal.accounts.roles import ROLES
from portal.centres.models import Centre, Membership
from results.postresults.models import CertificateDespatch, ServiceRequest

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Centre.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        Series.objects.count(),
        Entry.objects.count(),
        ServiceRequest.objects.count(),
        CertificateDespatch.objects.count(),
    )


def test_seed_demo_twice_creates_each_row_once(seeded_demo, settings):
    settings.DEBUG = True
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert dict(Centre.objects.values_list("number", "timezone")) == {
        "GB001": "Europe/London",
        "PK002": "Asia/Karachi",
        # The demo school approved after improvements.
        "AE001": "Asia/Dubai",
    }
    user_model = get_user_model()
    officer1 = user_model.objects.get(username="officer1")
    assert officer1.check_password("demo-pass-123")
    assert [m.centre.number for m in officer1.memberships.all()] == ["GB001"]
    staff = user_model.objects.get(username="staff")
    assert staff.is_staff and sorted(staff.role_names()) == sorted(ROLES)
    specialist = user_model.objects.get(username="specialist")
    assert specialist.role_names() == ["Assessment specialist"]
    assert {"June 2026", "November 2026"} <= set(Series.objects.values_list("name", flat=True))
    # A series still open for entries on the day the demo is loaded, with entries in it.
    assert Series.objects.filter(entry_deadline__gte=timezone.now().date()).exists()
    applicant1 = user_model.objects.get(username="applicant1")
    assert applicant1.check_password("demo-pass-123")
    assert list(applicant1.centre_applications.values_list("status", flat=True)) == ["submitted"]
    approved = user_model.objects.get(username="applicant2").centre_applications.get()
    assert [r.outcome for r in approved.rounds.all()] == ["improvements_needed", "approved"]
    # Post-results: each service has a request to show, a learner's among them.
    assert set(ServiceRequest.objects.values_list("service", flat=True)) == {
        "paper_copies",
        "replacement_certificate",
        "results_to_institution",
        "certifying_statement",
    }
    # June's certificates: GB001's despatched, PK002's due with its clock from results day.
    june = Series.objects.get(code="J26")
    despatches = dict(
        CertificateDespatch.objects.filter(series=june).values_list("centre__number", "status")
    )
    assert despatches == {"GB001": "despatched", "PK002": "due"}
    pk002 = CertificateDespatch.objects.get(series=june, centre__number="PK002")
    assert pk002.deadlines.get().started_at == june.results_release_at
    assert pk002.candidates_held > 0  # a syllabus held by QA


def test_seed_demo_refused_without_debug_or_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    call_command("seed_demo", "--force")
    assert Centre.objects.count() == 3


def test_api_schema_and_docs_are_served(client, officer_gb):
    client.force_login(officer_gb)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_every_apps_demo_steps_are_found_in_the_order_of_the_installed_apps():
    """An app adds its demo cases in its ``demo`` module's ``STEPS``, run in the order of
    INSTALLED_APPS: each app's after those it builds on (the entries before the results),
    and within an app in the order it gives (complaints' past before today's)."""
    from portal.core.demo import demo_steps

    assert [f"{f.__module__}.{f.__name__}" for f in demo_steps()] == [
        "centres.demo.seed_centre_accounts",
        "entries.demo.seed_entries",
        "centres.registration.demo.seed_applications",
        "centres.registration.programmes.demo.seed_programme_requests",
        "qa.demo.seed_qa",
        "complaints.demo_history.seed_history",
        "complaints.demo.seed_complaints",
        "results.demo.seed_results",
        "entries.arrangements.demo.seed_arrangements",
        "results.enquiries.demo.seed_enquiries",
        "results.postresults.demo.seed_service_requests",
        "results.postresults.demo.seed_certificate_despatches",
        "results.learners.demo.seed_learners",
        "complaints.helpdesk.demo.seed_help",
        "complaints.helpdesk.demo.seed_queries",
        "centres.mailings.demo.seed_mailings",
        "centres.publications.demo.seed_publications",
    ]
