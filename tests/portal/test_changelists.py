"""Every staff list in the admin stays bounded at an awarding body's size: no filter that
reads the whole table or grows with the number of centres, no date drill-down over a large
table, no full count where PostgreSQL's estimate serves, and an order an index serves."""

import copy
import re

import pytest
from django.contrib import admin
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    RelatedFieldListFilter,
    RelatedOnlyFieldListFilter,
)
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from centres.mailings.models import Mailing
from complaints import services
from complaints.models import Complaint
from entries.models import Candidate, Entry, Paper
from portal.calendar.models import ClosureDay
from portal.cases.models import Case
from portal.centres.models import Centre
from portal.changelists import EstimatedCountPaginator
from portal.core.admin_site import PortalAdminSite
from portal.notifications.models import Email, Notification
from portal.outbox.models import QueuedTask
from portal.sla.models import Clock, ServiceLevel
from results.models import Result
from tests.complaints.conftest import SERVICE
from tests.factories import CentreFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Tables of settings that staff keep by hand: a handful of rows whatever the size.
SETTINGS_TABLES = {ServiceLevel}
# Tables that grow with the number of centres: never a filter link per row.
GROWING = {Centre, Candidate, Entry, Result, Clock, Notification}
# Calendars: a date drill-down over them reads a few hundred rows (a mailing is one issue a
# month of each kind).
CALENDARS = {ClosureDay, Paper, Mailing}
LARGE = {Candidate, Entry, Result, Clock, Notification, Email, QueuedTask}


def _project_admins():
    for model, model_admin in admin.site._registry.items():
        # The project's own lists; those of installed packages (sign-in attempts) are theirs.
        if model_admin.__class__.__mro__[1].__module__.split(".")[0] in {"axes", "django"}:
            continue
        yield model, model_admin


@pytest.fixture
def complaint(charter, centre_gb, officer_gb):
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


@pytest.fixture
def staff_request():
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory(username="lists", is_superuser=True)
    return request


def test_no_list_filter_reads_the_table_or_grows_with_the_centres(staff_request):
    found = []
    for model, model_admin in _project_admins():
        changelist = model_admin.get_changelist_instance(staff_request)
        for spec in changelist.filter_specs:
            reads_table = isinstance(spec, (AllValuesFieldListFilter, RelatedOnlyFieldListFilter))
            if reads_table and model not in SETTINGS_TABLES:
                found.append(f"{model.__name__}: {spec.title} reads every row for its links")
            if isinstance(spec, RelatedFieldListFilter) and spec.field.related_model in GROWING:
                found.append(f"{model.__name__}: a link per {spec.field.related_model.__name__}")
    assert found == []


def test_date_drill_downs_only_over_calendars():
    drilled = {model for model, model_admin in _project_admins() if model_admin.date_hierarchy}
    assert drilled <= CALENDARS


def test_every_list_shows_no_full_count_beside_a_filtered_one():
    for _, model_admin in _project_admins():
        assert model_admin.show_full_result_count is False
        assert issubclass(model_admin.paginator, EstimatedCountPaginator)


def test_every_list_shows_fifty_rows_a_page_as_the_portals_own(staff_client, complaint):
    assert {model_admin.list_per_page for _, model_admin in _project_admins()} == {50}
    response = staff_client.get("/admin/complaints/complaint/")
    assert response.context["cl"].list_per_page == 50


def test_a_list_that_sets_its_own_page_keeps_it():
    class Hundred(admin.ModelAdmin):
        list_per_page = 100

    class Inherited(Hundred):
        pass

    site = PortalAdminSite(name="pages")
    site.register(Centre, Inherited)
    site.register(Complaint)
    assert site._registry[Centre].list_per_page == 100
    assert site._registry[Complaint].list_per_page == PortalAdminSite.ROWS_A_PAGE == 50


def test_large_lists_sort_only_by_indexed_columns(staff_request):
    complaints = admin.site._registry[Complaint]
    assert complaints.get_sortable_by(staff_request) == ["case_link", "due", "status", "created_at"]
    notifications = admin.site._registry[Notification]
    assert notifications.get_sortable_by(staff_request) == ["created_at"]


def test_case_queue_filtered_by_centre_through_the_search_box(staff_client, complaint):
    response = staff_client.get("/admin/complaints/complaint/", {"q": complaint.centre.number})
    assert [c.pk for c in response.context["cl"].result_list] == [complaint.pk]
    assert b"By centre" not in response.content


def _searched(client, url: str, term: str) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list), [q["sql"] for q in queries.captured_queries]


def test_search_finds_a_centre_or_a_reference_through_its_index(
    staff_client, complaint, centre_pk, officer_pk
):
    other = services.submit_complaint(data=dict(SERVICE), centre=centre_pk, submitted_by=officer_pk)
    table = Complaint._meta.db_table
    for term, found in (("gb001", complaint), (f" {other.reference.lower()} ", other)):
        listed, queries = _searched(staff_client, "/admin/complaints/complaint/", term)
        assert listed == [found]
        # Equalities on indexed columns: nothing read the table row by row with LIKE.
        assert not [sql for sql in queries if table in sql and "LIKE" in sql], queries
    for term in ("pk002", "Lahore", "PK"):
        listed, _ = _searched(staff_client, "/admin/centres/centre/", term)
        assert [centre.number for centre in listed] == ["PK002"], term
    # Any other term is searched as Django searches: part of a centre's name.
    listed, queries = _searched(staff_client, "/admin/complaints/complaint/", "Lahore")
    assert listed == [other]
    assert any(table in sql and "LIKE" in sql for sql in queries)
    # A centre's number where the list does not search by centre: searched as text.
    listed, _ = _searched(staff_client, "/admin/sla/servicelevel/", "GB001")
    assert listed == []
    # The clocks' reference has no index of its own: searched as Django does, not looked up
    # first (a look-up without an index would read every clock).
    listed, queries = _searched(staff_client, "/admin/sla/clock/", complaint.reference)
    assert listed and {clock.reference for clock in listed} == {complaint.reference}
    assert not [sql for sql in queries if "sla_clock" in sql and '"reference" = ' in sql]


def test_a_short_list_is_counted_exactly(complaint):
    paginator = EstimatedCountPaginator(Complaint.objects.filter(pk=complaint.pk), 100)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 1
    assert paginator.estimated is False
    assert any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def _centres(count: int) -> None:
    CentreFactory.create_batch(count, country="KE")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Centre._meta.db_table}")


@pytest.mark.postgres
def test_a_long_list_filtered_or_not_is_counted_from_the_planner():
    _centres(30)
    for listed in (Centre.objects.all(), Centre.objects.filter(country="KE")):
        paginator = EstimatedCountPaginator(listed, 10, exact_up_to=5)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count >= 6
        assert paginator.estimated is True
        # The planner was asked; no count read more than the bound's rows.
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert all("LIMIT 6" in sql for sql in counts), counts
    # Counted exactly up to the bound.
    paginator = EstimatedCountPaginator(Centre.objects.filter(country="KE"), 100)
    assert (paginator.count, paginator.estimated) == (30, False)


def test_a_list_longer_than_its_estimate_is_paged_to_its_end(monkeypatch):
    """A planner that guesses short (a search's LIKE has no statistics) does not end the
    list: a page past the estimate is read."""
    from portal import counting

    _centres(30)
    monkeypatch.setattr(counting, "planner_estimate", lambda queryset: 8)
    paginator = EstimatedCountPaginator(Centre.objects.order_by("number"), 5, exact_up_to=5)
    assert (paginator.count, paginator.estimated) == (8, True)
    assert len(paginator.page(6).object_list) == 5
    assert list(paginator.page(7).object_list) == []


@pytest.mark.postgres
def test_the_list_says_when_its_count_is_an_estimate(staff_client, monkeypatch):
    _centres(30)
    response = staff_client.get("/admin/centres/centre/", {"country": "KE"})
    assert response.context["cl"].paginator.estimated is False
    assert re.search(r"\b30 centres", response.content.decode())
    assert "about" not in response.content.decode().split('class="paginator"')[1]
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 5)
    response = staff_client.get("/admin/centres/centre/", {"country": "KE"})
    assert response.context["cl"].paginator.estimated is True
    assert re.search(r"about \d+ centres", response.content.decode())


@pytest.mark.postgres
def test_large_lists_read_their_first_page_in_index_order(staff_request):
    """With sequential scans and sorts priced out, a plan that still sorts the whole table
    has no index to serve it ("Incremental Sort" only orders rows that tie on the index)."""
    large = {m for m in LARGE} | {m for m, _ in _project_admins() if issubclass(m, Case)}
    unserved = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    for model, model_admin in _project_admins():
        if model not in large:
            continue
        # The list's own order, then each column a click on its header sorts by.
        # Numbered as the list shows them (the checkbox of the actions first, if any).
        shown = model_admin.get_changelist_instance(staff_request).list_display
        columns = [None] + [
            str(shown.index(name)) for name in model_admin.get_sortable_by(staff_request)
        ]
        for column in columns:
            request = RequestFactory().get("/admin/", {"o": column} if column else {})
            request.user = staff_request.user
            changelist = model_admin.get_changelist_instance(request)
            plan = changelist.queryset[: model_admin.list_per_page].explain()
            if re.search(r"(?<!Incremental )Sort  \(cost", plan):
                unserved.append(f"{model.__name__} sorted by column {column}:\n{plan}")
    assert unserved == [], "\n\n".join(unserved)


def test_case_queue_reads_one_page_whatever_the_number_of_cases(
    staff_client, charter, centre_gb, officer_gb
):
    def queue() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get("/admin/complaints/complaint/", {"o": "2"})
        assert response.status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    first = services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)
    queue()  # the person's permissions read, and kept for the next requests
    few = queue()
    # More than a page of them, copies of the first under references of their own.
    copies = []
    for number in range(admin.site._registry[Complaint].list_per_page + 5):
        first.pk, first.reference = None, f"CMP-2026-9{number:05d}"
        copies.append(copy.copy(first))
    Complaint.objects.bulk_create(copies)
    many = queue()
    assert len(many) == len(few)
    listed = [sql for sql in many if 'FROM "complaints_complaint"' in sql]
    # The page (LIMIT), its count (bounded, after the planner's estimate, which reads no
    # row); nothing that reads every complaint for a filter.
    assert listed and all("LIMIT" in sql or sql.startswith("EXPLAIN ") for sql in listed), listed
