"""Publication orders: an officer orders from the catalogue staff keep; an item in stock is
promised within five working days (publications.order); customer services record the
despatch, which stops the clock and tells the centre."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from centres.publications import services
from centres.publications.models import Publication, PublicationOrder
from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM
from portal.calendar import end_of_day
from portal.errors import PortalError
from portal.notifications.models import Notification
from portal.sla.models import Clock
from portal.sla.services import load_charter
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

ORDERED = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)  # a Monday
EASTER = dt.datetime(2027, 3, 24, 10, 0, tzinfo=dt.UTC)  # a Wednesday before Good Friday


@pytest.fixture(autouse=True)
def _charter(charter):
    """The Cambridge charter promises items in stock within five working days."""


@pytest.fixture
def desk(db):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


@pytest.fixture
def handbook(db):
    return Publication.objects.create(code="HB-2027", title="Cambridge Handbook 2027")


@pytest.fixture
def guide(db):
    return Publication.objects.create(code="GUIDE", title="Officer's guide", in_stock=False)


def order(officer, centre, item, *, at=ORDERED, copies=1):
    return services.order_publication(
        centre=centre, by=officer, publication=item, copies=copies, at=at
    )


def clock(case):
    return Clock.objects.get(object_id=case.pk, code="publications.order")


def test_an_item_in_stock_is_promised_within_five_working_days(officer_gb, centre_gb, handbook):
    case = order(officer_gb, centre_gb, handbook, copies=3)
    assert case.reference.startswith("PUB-2027-")
    assert (case.status, case.copies, case.in_stock) == ("ordered", 3, True)
    assert clock(case).due_at == end_of_day(dt.date(2027, 3, 8))
    told = Notification.objects.get(user=officer_gb, kind="publications")
    assert "within 5 working days" in told.body


def test_bank_holidays_are_not_working_days_for_an_order(officer_gb, centre_gb, handbook):
    # Good Friday 26 March and Easter Monday 29 March 2027.
    case = order(officer_gb, centre_gb, handbook, at=EASTER)
    assert clock(case).due_at == end_of_day(dt.date(2027, 4, 2))


def test_an_item_out_of_stock_is_taken_without_the_promise(officer_gb, centre_gb, guide):
    case = order(officer_gb, centre_gb, guide)
    assert not case.in_stock
    assert not Clock.objects.filter(object_id=case.pk, code="publications.order").exists()
    assert "out of stock" in Notification.objects.get(user=officer_gb, kind="publications").body


def test_customer_services_record_the_despatch_on_time(officer_gb, centre_gb, handbook, desk):
    case = order(officer_gb, centre_gb, handbook)
    done = services.despatch_order(case, by=desk, at=ORDERED + dt.timedelta(days=2))
    assert (done.status, done.despatched_by) == ("despatched", desk)
    assert clock(case).state == "met"
    assert Notification.objects.filter(user=officer_gb, subject__contains="despatched").count() == 1
    # Repeated: quiet, nothing told twice.
    services.despatch_order(done, by=desk, at=ORDERED + dt.timedelta(days=3))
    assert PublicationOrder.objects.get(pk=case.pk).despatched_at == ORDERED + dt.timedelta(days=2)
    assert Notification.objects.filter(user=officer_gb, subject__contains="despatched").count() == 1


def test_a_late_despatch_is_recorded_as_missed(officer_gb, centre_gb, handbook, desk):
    case = order(officer_gb, centre_gb, handbook)
    services.despatch_order(case, by=desk, at=ORDERED + dt.timedelta(days=10))
    assert clock(case).state == "breached"


def test_officers_and_other_roles_cannot_record_a_despatch(officer_gb, centre_gb, handbook):
    case = order(officer_gb, centre_gb, handbook)
    results = StaffFactory(username="results", roles=[RESULTS_TEAM])
    for person in (officer_gb, results):
        with pytest.raises(PermissionDenied):
            services.despatch_order(case, by=person)
    assert PublicationOrder.objects.get(pk=case.pk).status == "ordered"


def test_bad_orders_are_refused_and_nothing_kept(officer_gb, centre_gb, handbook, desk):
    handbook.listed = False
    handbook.save()
    with pytest.raises(PortalError, match="not in the catalogue"):
        order(officer_gb, centre_gb, handbook)
    handbook.listed = True
    handbook.save()
    with pytest.raises(PortalError, match="1 to 50"):
        order(officer_gb, centre_gb, handbook, copies=51)
    with pytest.raises(PortalError, match="exams officers"):
        order(desk, centre_gb, handbook)
    assert not PublicationOrder.objects.exists()


def test_a_charter_without_the_promise_takes_orders_without_a_clock(
    officer_gb, centre_gb, handbook
):
    load_charter("cmi")
    case = order(officer_gb, centre_gb, handbook)
    assert not Clock.objects.filter(object_id=case.pk, code="publications.order").exists()
    assert "as soon as we can" in Notification.objects.get(user=officer_gb).body


# Pages


def test_officer_orders_from_the_page(client, officer_gb, centre_gb, handbook):
    client.force_login(officer_gb)
    form = client.get("/publications/order/")
    assert "Cambridge Handbook 2027 (HB-2027, in stock)" in form.text
    refused = client.post("/publications/order/", {"publication": handbook.pk, "copies": "0"})
    assert refused.status_code == 400
    assert "Order at least 1 copy." in refused.text
    assert not PublicationOrder.objects.exists()
    # A session lasts so long: signed in again on the day of the order.
    with time_machine.travel(ORDERED, tick=False):
        client.force_login(officer_gb)
        response = client.post(
            "/publications/order/",
            {"centre": centre_gb.pk, "publication": handbook.pk, "copies": 2},
        )
        case = PublicationOrder.objects.get()
        assert response.status_code == 302 and response.url == f"/publications/{case.reference}/"
        page = client.get(response.url)
    assert "Despatch publications in stock" in page.text
    assert "Record the despatch" not in page.text


def test_officers_see_only_their_centres_orders(
    client, officer_gb, centre_gb, officer_pk, centre_pk, handbook
):
    mine = order(officer_gb, centre_gb, handbook)
    theirs = order(officer_pk, centre_pk, handbook)
    client.force_login(officer_gb)
    listed = client.get("/publications/")
    assert mine.reference in listed.text and theirs.reference not in listed.text
    assert client.get(f"/publications/{theirs.reference}/").status_code == 404
    assert client.post(f"/publications/{theirs.reference}/despatch/").status_code == 404


def test_the_list_is_paged(client, officer_gb, centre_gb, handbook):
    for _ in range(26):
        order(officer_gb, centre_gb, handbook)
    client.force_login(officer_gb)
    first = client.get("/publications/")
    assert len(first.context["orders"]) == 25
    assert len(client.get("/publications/?page=2").context["orders"]) == 1


def test_staff_record_the_despatch_from_the_queue(client, officer_gb, centre_gb, handbook, desk):
    case = order(officer_gb, centre_gb, handbook)
    staff = sign_in(client, desk)
    queue = staff.get("/admin/publications/publicationorder/")
    assert queue.status_code == 200 and case.reference in queue.text
    staff.post(
        "/admin/publications/publicationorder/",
        {"action": "despatch_selected", "_selected_action": [case.pk]},
    )
    assert PublicationOrder.objects.get(pk=case.pk).status == "despatched"
    assert clock(case).stopped_at is not None


def test_staff_record_the_despatch_on_the_orders_page(
    client, officer_gb, centre_gb, handbook, desk
):
    case = order(officer_gb, centre_gb, handbook)
    staff = sign_in(client, desk)
    assert "Record the despatch" in staff.get(f"/publications/{case.reference}/").text
    response = staff.post(f"/publications/{case.reference}/despatch/")
    assert response.status_code == 302
    assert PublicationOrder.objects.get(pk=case.pk).status == "despatched"


def test_customer_services_keep_the_catalogue_and_other_roles_do_not(client, desk):
    results = StaffFactory(username="results", roles=[RESULTS_TEAM])
    assert sign_in(client, results).get("/admin/publications/publication/").status_code == 403
    client.logout()
    staff = sign_in(client, desk)
    response = staff.post(
        "/admin/publications/publication/add/",
        {"code": "PP-0580", "title": "Past papers", "in_stock": "on", "listed": "on"},
    )
    assert response.status_code == 302
    assert Publication.objects.get(code="PP-0580").in_stock


# API


def test_officer_orders_through_the_api(officer_api, handbook, guide):
    catalogue = officer_api.get("/api/v1/publications/")
    assert catalogue.status_code == 200
    assert [item["code"] for item in catalogue.json()["results"]] == ["HB-2027", "GUIDE"]
    with time_machine.travel(ORDERED, tick=False):
        response = officer_api.post(
            "/api/v1/publication-orders/", {"publication": "HB-2027", "copies": 2}, format="json"
        )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("PUB-2027-")
    assert (data["status"], data["centre"], data["publication"], data["copies"]) == (
        "ordered",
        "GB001",
        "HB-2027",
        2,
    )
    [deadline] = data["deadlines"]
    assert deadline["code"] == "publications.order"


def test_api_refuses_bad_orders(officer_api, staff_api, handbook):
    unknown = officer_api.post(
        "/api/v1/publication-orders/", {"publication": "NOPE"}, format="json"
    )
    assert unknown.status_code == 400
    too_many = officer_api.post(
        "/api/v1/publication-orders/", {"publication": "HB-2027", "copies": 51}, format="json"
    )
    assert too_many.status_code == 400
    by_staff = staff_api.post(
        "/api/v1/publication-orders/",
        {"publication": "HB-2027", "centre": "GB001"},
        format="json",
    )
    assert by_staff.status_code == 403
    assert not PublicationOrder.objects.exists()


def test_api_despatch_by_customer_services_only(officer_gb, centre_gb, officer_api, handbook, desk):
    from tests.signing_in import api_as

    case = order(officer_gb, centre_gb, handbook)
    url = f"/api/v1/publication-orders/{case.reference}/despatch/"
    assert officer_api.post(url).status_code == 403
    response = api_as(desk).post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "despatched"


def test_api_hides_another_centres_orders(officer_pk, centre_pk, officer_api, handbook):
    theirs = order(officer_pk, centre_pk, handbook)
    assert officer_api.get(f"/api/v1/publication-orders/{theirs.reference}/").status_code == 404
    assert officer_api.get("/api/v1/publication-orders/").json()["results"] == []
