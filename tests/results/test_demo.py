import pytest
from django.core.management import call_command

from qa.models import QaRequest
from results.models import QaHold, Result, ResultChange

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_results_once(seeded_demo, settings, client):
    settings.DEBUG = True
    first = (Result.objects.count(), QaHold.objects.count(), ResultChange.objects.count())
    call_command("seed_demo")
    assert (Result.objects.count(), QaHold.objects.count(), ResultChange.objects.count()) == first
    # The June series' hold, and one per QA request of the demo (results/qa_link.py); one
    # correction, and one change per demo enquiry that changed a grade.
    from results.enquiries.models import Enquiry

    changed = Enquiry.objects.filter(fee_waived=True).count()
    assert first[0] > 0 and first[1] == 1 + QaRequest.objects.count()
    assert first[2] == 1 + changed and changed == 1
    assert QaHold.objects.open().filter(series__code="N26").count() == (
        QaRequest.objects.unsettled().count()
    )
    assert Result.objects.filter(series__code="N26").exists()


def test_demo_officer_home_shows_results(seeded_demo, client):
    from portal.accounts.models import User

    client.force_login(User.objects.get(username="officer1"))
    page = client.get("/").content.decode()
    assert "See the June 2026 results" in page
