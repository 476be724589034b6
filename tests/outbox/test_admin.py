import pytest

from portal.outbox import services
from portal.outbox.models import QueuedTask
from tests.factories import StaffFactory
from tests.outbox.conftest import broken, say
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

URL = "/admin/outbox/queuedtask/"


@pytest.fixture
def operator_client(client):
    return sign_in(client, StaffFactory(username="operator", is_superuser=True))


@pytest.fixture
def given_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = services.enqueue(broken, why="SMTP refused")
    services.run_queued_task(row.pk)
    return row


def test_admin_lists_queued_tasks_by_state(operator_client, given_up):
    services.enqueue(say, to="a@example.org", subject="Waiting")
    failed = operator_client.get(URL, {"state": "failed"})
    queued = operator_client.get(URL, {"state": "queued"})
    assert (failed.status_code, queued.status_code) == (200, 200)
    assert [row.task for row in failed.context["cl"].result_list] == ["tests.outbox.broken"]
    assert [row.task for row in queued.context["cl"].result_list] == ["tests.outbox.say"]


def test_admin_tries_given_up_tasks_again(operator_client, given_up):
    response = operator_client.post(
        URL, {"action": "requeue", "_selected_action": [given_up.pk]}, follow=True
    )
    given_up.refresh_from_db()
    assert "1 given-up tasks queued again." in response.text
    assert (given_up.state, given_up.attempts) == ("published", 0)


def test_admin_is_closed_to_staff_without_the_permission(staff_client, given_up):
    assert staff_client.get(URL).status_code == 403
    assert QueuedTask.objects.get().failed_at is not None
