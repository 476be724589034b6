import csv
import datetime as dt
import io

import pytest

from complaints import services
from complaints.models import Category, Complaint
from portal.accounts import roles
from tests.complaints.conftest import SERVICE
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/complaint/"


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    return sign_in(client, staff_user)


def _raise(centre, officer, **extra):
    return services.submit_complaint(data={**SERVICE, **extra}, centre=centre, submitted_by=officer)


def test_queue_ordered_by_next_due_with_late_ones_marked(
    admin_client, centre_gb, officer_gb, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    older = _raise(centre_gb, officer_gb, subject="Older")
    time_machine.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    newer = _raise(centre_gb, officer_gb, subject="Newer")
    page = admin_client.get(QUEUE)
    assert page.status_code == 200
    assert page.text.index(older.reference) < page.text.index(newer.reference)
    assert "Overdue" in page.text
    overdue = admin_client.get(QUEUE, {"due": "overdue"})
    assert older.reference in overdue.text and newer.reference not in overdue.text


@pytest.mark.parametrize(
    "params",
    [{"status__exact": "received"}, {"category__exact": "service"}, {"due": "today"}],
)
def test_queue_filters_answer(admin_client, complaint, params):
    assert admin_client.get(QUEUE, params).status_code == 200


def test_queue_bulk_acknowledge(admin_client, centre_gb, officer_gb):
    cases = [_raise(centre_gb, officer_gb, subject=f"Case {n}") for n in range(3)]
    admin_client.post(
        QUEUE,
        {"action": "acknowledge_selected", "_selected_action": [c.pk for c in cases]},
    )
    assert set(Complaint.objects.values_list("status", flat=True)) == {"acknowledged"}


def test_queue_bulk_move_counts_cases_already_moved_apart(admin_client, centre_gb, officer_gb):
    cases = [_raise(centre_gb, officer_gb, subject=f"Case {n}") for n in range(3)]
    services.acknowledge_complaint(cases[0], by=StaffFactory(roles=[roles.COMPLAINTS_INVESTIGATOR]))

    page = admin_client.post(
        QUEUE,
        {"action": "acknowledge_selected", "_selected_action": [c.pk for c in cases]},
        follow=True,
    )

    notes = [str(m) for m in page.context["messages"]]
    assert notes == ["2 acknowledged.", f"Already acknowledged: {cases[0].reference}."]


def test_queue_claim_refused_to_a_second_person(admin_client, acknowledged):
    other = StaffFactory(username="other", roles=[roles.COMPLAINTS_INVESTIGATOR])
    services.claim_complaint(acknowledged, by=other)
    page = admin_client.post(
        QUEUE,
        {"action": "claim_selected", "_selected_action": [acknowledged.pk]},
        follow=True,
    )
    assert "already working on this case" in page.text
    assert Complaint.objects.get().assigned_to == other


def test_queue_saves_root_cause_through_the_service(admin_client, complaint):
    from portal import audit

    url = f"{QUEUE}{complaint.pk}/change/"
    admin_client.post(
        url,
        {
            "root_cause": "process",
            "improvement_action": "Checklist added.",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
            "uploads-attachment-case_type-case_id-TOTAL_FORMS": "0",
            "uploads-attachment-case_type-case_id-INITIAL_FORMS": "0",
        },
    )
    assert Complaint.objects.get().root_cause == "process"
    assert audit.history_of(complaint).filter(action="analysed").exists()


def test_report_counts_complaints_and_dissatisfaction(client, staff_user, centre_gb, officer_gb):
    _raise(centre_gb, officer_gb)
    _raise(centre_gb, officer_gb, category=Category.RESULTS)
    sign_in(client, staff_user)
    page = client.get("/complaints/report/")
    assert page.status_code == 200
    rows = {row["label"]: row for row in page.context["categories"]}
    assert rows[Category.SERVICE.label]["complaints"] == 1
    assert rows[Category.RESULTS.label]["dissatisfaction"] == 1
    assert "<svg" in page.text and "<script" not in page.text


def test_report_charts_are_labelled_in_full_with_their_figures_in_a_table(
    client, staff_user, centre_gb, officer_gb
):
    _raise(centre_gb, officer_gb, category=Category.SPECIAL_CONSIDERATION)
    sign_in(client, staff_user)
    page = client.get("/complaints/report/")
    chart = page.context["category_chart"]
    longest = max((label for label, _ in chart.rows), key=len)
    assert len(longest) > 48
    assert f'<span class="bar-chart-label">{longest}</span>' in page.text
    assert f'<th scope="row">{longest}</th>' in page.text
    assert page.text.count('role="img"') == 2
    assert '<figcaption class="bar-chart-title" id="by-category-chart-title">' in page.text
    assert "<text" not in page.text
    assert dict(chart.rows)[Category.SPECIAL_CONSIDERATION.label] == (0, 1)


def test_report_refused_to_officers(client, officer_gb):
    sign_in(client, officer_gb)
    assert client.get("/complaints/report/").status_code in (302, 403)
    assert client.get("/complaints/report.csv").status_code == 403


def test_report_csv_escapes_formulas(client, staff_user, centre_gb, officer_gb):
    complaint = _raise(centre_gb, officer_gb, subject='=HYPERLINK("http://x")')
    services.analyse_complaint(
        complaint, by=staff_user, root_cause="process", improvement_action="@SUM(A1)"
    )
    sign_in(client, staff_user)
    response = client.get("/complaints/report.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Reference"
    assert rows[1][7] == '\'=HYPERLINK("http://x")'
    assert rows[1][9] == "'@SUM(A1)"


def test_queue_open_to_customer_services_role(client, complaint):

    from portal.accounts import roles

    roles.sync_roles()
    agent = StaffFactory(username="agent", roles=[roles.CUSTOMER_SERVICES])
    page = sign_in(client, agent).get(QUEUE)
    assert page.status_code == 200
    assert complaint.reference in page.text


def test_report_csv_for_staff_only_and_sign_in_first(client, staff_user, officer_gb):
    url = "/complaints/report.csv"
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")
    sign_in(client, officer_gb)
    assert client.get(url).status_code == 403
    sign_in(client, staff_user)
    assert client.get(url).status_code == 200
