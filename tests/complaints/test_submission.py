import pytest

from complaints import services
from complaints.models import Complaint
from portal.errors import PortalError
from tests.complaints.conftest import SERVICE
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_submit_for_a_centre_the_officer_does_not_serve_is_refused(officer_gb, centre_pk):
    with pytest.raises(PortalError, match="No centre has that number.") as refused:
        services.submit_complaint(data=dict(SERVICE), centre=centre_pk, submitted_by=officer_gb)
    assert refused.value.field == "centre"
    assert not Complaint.objects.exists()


def test_submitting_centre_is_the_only_centre_of_an_officer(officer_gb, centre_gb):
    assert services.submitting_centre(officer_gb) == centre_gb


def test_submitting_centre_must_be_said_by_an_officer_of_two(officer_gb, centre_pk):
    MembershipFactory(user=officer_gb, centre=centre_pk)
    with pytest.raises(PortalError, match="Say which of your centres"):
        services.submitting_centre(officer_gb)
    assert services.submitting_centre(officer_gb, chosen=centre_pk) == centre_pk
