"""Every case type's API list, written from rows of the cases' columns (``CaseRows``) or
from the cases, answers for each case exactly what the case's own address answers, for an
exams officer and for staff of every role, on the demo's cases of every type and status."""

import pytest

from portal.accounts.models import User
from portal.accounts.roles import ROLES
from portal.api.router import discover, router
from portal.cases.api import CaseViewSet
from tests.factories import StaffFactory
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

discover()
CASE_LISTS = [prefix for prefix, viewset, _ in router.registry if issubclass(viewset, CaseViewSet)]


@pytest.mark.parametrize("who", ["officer", "staff"])
def test_every_row_of_every_case_list_is_what_the_case_answers(seeded_demo, who):
    person = (
        User.objects.get(username="officer1")
        if who == "officer"
        else StaffFactory(username="every-role", roles=list(ROLES))
    )
    api = api_as(person)
    compared = 0
    for prefix in CASE_LISTS:
        listed = api.get(f"/api/v1/{prefix}/", {"page_size": 500})
        assert listed.status_code == 200, prefix
        for row in listed.json()["results"]:
            alone = api.get(f"/api/v1/{prefix}/{row['reference']}/")
            assert alone.status_code == 200, (prefix, row["reference"])
            assert row == alone.json(), (prefix, row["reference"])
            compared += 1
    assert compared > 20
