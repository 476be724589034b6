from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.zones import viewer_zone
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_viewer_zone_officer_reads_the_case_centres_zone(officer_gb, centre_pk):
    case = CandidateFactory(centre=centre_pk)
    assert viewer_zone(officer_gb, case) == ZoneInfo("Asia/Karachi")


def test_viewer_zone_officer_without_case_reads_their_first_centre(officer_pk):
    assert viewer_zone(officer_pk) == ZoneInfo("Asia/Karachi")


def test_viewer_zone_staff_read_london(staff_user, centre_pk):
    assert viewer_zone(staff_user, CandidateFactory(centre=centre_pk)) == ZoneInfo("Europe/London")


def test_viewer_zone_own_choice_wins(officer_gb, staff_user):
    officer_gb.time_zone = staff_user.time_zone = "America/Lima"
    assert viewer_zone(officer_gb) == viewer_zone(staff_user) == ZoneInfo("America/Lima")


def test_user_time_zone_must_be_a_zone_name(officer_gb):
    officer_gb.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError, match="is not a time zone name"):
        officer_gb.full_clean()
