"""The staff home's count of registered centres: kept a few minutes (ten thousand centres
are not counted at every ask), counted again as soon as a centre is made or removed."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CentreFactory
from tests.signing_in import sign_in


def _centres_counted(client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    counting = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "centres_centre"' in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    return response.context["centre_count"], counting


def test_staff_home_counts_centres_once_then_again_when_one_is_made_or_removed(
    client, staff_user, centre_gb, centre_pk, django_capture_on_commit_callbacks
):
    sign_in(client, staff_user)
    count, counting = _centres_counted(client)
    assert count == 2
    assert len(counting) == 1
    assert "2 registered centres" in client.get("/").content.decode()

    count, counting = _centres_counted(client)
    assert (count, counting) == (2, [])

    # Forgotten once the centre is committed, not before.
    with django_capture_on_commit_callbacks(execute=True):
        made = CentreFactory(number="GB003")
        assert _centres_counted(client) == (2, [])
    assert _centres_counted(client)[0] == 3
    made.name = "Renamed"
    made.save()
    assert _centres_counted(client)[1] == []
    with django_capture_on_commit_callbacks(execute=True):
        made.delete()
    assert _centres_counted(client)[0] == 2
