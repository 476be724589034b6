import threading

import pytest
from django.db import connection

from complaints import services
from complaints.models import Complaint
from portal.accounts import roles
from portal.errors import TransitionNotAllowed
from tests.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_people_claiming_at_once_one_wins(acknowledged):
    people = [
        StaffFactory(username="first", roles=[roles.COMPLAINTS_INVESTIGATOR]),
        StaffFactory(username="second", roles=[roles.COMPLAINTS_INVESTIGATOR]),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(person):
        try:
            barrier.wait()
            services.claim_complaint(Complaint.objects.get(pk=acknowledged.pk), by=person)
            outcomes.append("claimed")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed", "refused"]
    assert Complaint.objects.get().assigned_to in people
