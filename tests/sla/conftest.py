import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from portal.accounts import roles
from portal.sla.models import ServiceLevel
from portal.sla.services import load_charter
from tests.factories import CandidateFactory, EntryFactory, StaffFactory
from tests.sla.cases import EntryCase

LONDON = ZoneInfo("Europe/London")


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def charter(db):
    # The proxy case's content type is created inside a test and rolled back with it; the
    # process-wide cache of content types must not remember it into the next test.
    ContentType.objects.clear_cache()
    # The migration loads the Cambridge charter, but a transactional test empties the tables.
    if not ServiceLevel.objects.exists():
        load_charter("cambridge")


def make_case(centre) -> EntryCase:
    entry = EntryFactory(candidate=CandidateFactory(centre=centre))
    return EntryCase.objects.select_related("candidate__centre").get(pk=entry.pk)


@pytest.fixture
def case(centre_gb):
    return make_case(centre_gb)


@pytest.fixture
def case_pk(centre_pk):
    return make_case(centre_pk)


def staff_in(role: str, username: str):
    user = StaffFactory(username=username)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    return user


@pytest.fixture
def customer_services(db):
    return staff_in(roles.CUSTOMER_SERVICES, "cs")


@pytest.fixture
def investigator(db):
    return staff_in(roles.COMPLAINTS_INVESTIGATOR, "investigator")


@pytest.fixture
def specialist(db):
    return staff_in(roles.ASSESSMENT_SPECIALIST, "specialist")


def run_at_once(work, *, threads: int = 4) -> tuple[list, list]:
    """Run ``work()`` in several threads released together, each on its own database
    connection; answer what they returned and what they raised."""
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors
