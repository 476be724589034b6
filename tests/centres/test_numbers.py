import threading

import pytest
from django.db import connection

from portal.centres.models import Centre
from portal.centres.numbers import NoNumbersLeft, allocate_centre_number
from tests.factories import CentreFactory


def test_allocate_centre_number_follows_the_highest_in_use(db):
    CentreFactory(number="KE004", country="KE")

    assert allocate_centre_number("KE") == "KE005"
    assert allocate_centre_number("KE") == "KE006"
    assert allocate_centre_number("AE") == "AE001"


def test_allocate_centre_number_skips_a_number_typed_in_by_hand(db):
    assert allocate_centre_number("KE") == "KE001"
    CentreFactory(number="KE002", country="KE")

    assert allocate_centre_number("KE") == "KE003"


def test_allocate_centre_number_when_every_number_is_taken(db):
    CentreFactory(number="KE999", country="KE")

    with pytest.raises(NoNumbersLeft):
        allocate_centre_number("KE")


def test_allocate_centre_number_refuses_a_country_that_is_not_two_capitals(db):
    with pytest.raises(ValueError):
        allocate_centre_number("ke")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number():
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def allocate():
        try:
            barrier.wait()
            number = allocate_centre_number("NG")
            Centre.objects.create(number=number, name=number, country="NG")
            numbers.append(number)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == ["NG001", "NG002", "NG003", "NG004"]
