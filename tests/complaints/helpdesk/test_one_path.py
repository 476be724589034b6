"""One validation path (portal/rules.py): a query's page and its API refuse the same input in
the same words, on the same field, because both check with the service's own rules."""

import pytest

from complaints.helpdesk import services
from portal.errors import PortalError
from tests.signing_in import api_as, sign_in

pytestmark = pytest.mark.django_db

GOOD = {"subject": "Late fees", "body": "Per entry or per candidate?"}
BAD = [
    ({"subject": ""}, "subject", "Give a subject."),
    ({"subject": "   "}, "subject", "Give a subject."),
    ({"body": ""}, "body", "Say what your query is."),
    ({"subject": "x" * 201}, "subject", "Keep this to 200 characters (it has 201)."),
    ({"syllabus_code": "58"}, "syllabus_code", "A syllabus code is four digits, e.g. 0580."),
    ({"candidate_number": "12a4"}, "candidate_number", "A candidate number is four digits."),
    ({"syllabus_code": "9999"}, "syllabus_code", "No syllabus has that code."),
]


@pytest.fixture(autouse=True)
def _charter(charter):
    """Every query starts the clock query.answer."""


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_page_and_api_refuse_alike(client, officer_gb, centre_gb, change, field, message):
    sign_in(client, officer_gb)
    page = client.post("/queries/new/", {"centre": centre_gb.pk, **GOOD, **change})
    api = api_as(officer_gb).post("/api/v1/queries/", {**GOOD, **change}, format="json")

    assert page.status_code == 400 and api.status_code == 400
    assert page.context["form"].errors[field] == [message]
    assert api.json()["errors"][field] == [message]


def test_left_out_of_the_api_is_refused_as_on_the_page(officer_gb):
    api = api_as(officer_gb).post("/api/v1/queries/", {"body": "When?"}, format="json")

    assert api.json()["errors"] == {"subject": ["Give a subject."]}


@pytest.mark.parametrize(("change", "field", "message"), BAD[:6])
def test_the_service_says_it_too_whoever_calls_it(officer_gb, centre_gb, change, field, message):
    with pytest.raises(PortalError) as refused:
        services.open_query(centre=centre_gb, by=officer_gb, **{**GOOD, **change})

    assert (refused.value.field, refused.value.message) == (field, message)


def test_the_answer_is_refused_alike(client, staff_user, officer_gb, centre_gb):
    case = services.open_query(centre=centre_gb, by=officer_gb, **GOOD)

    api = api_as(staff_user).post(
        f"/api/v1/queries/{case.reference}/answer/", {"response": " "}, format="json"
    )
    page = sign_in(client, staff_user).post(f"{case.get_absolute_url()}answer/", {"response": " "})

    assert api.json()["errors"] == {"response": ["Give the answer."]}
    assert "Give the answer." in page.content.decode()


@pytest.fixture
def desk(db):
    from portal.accounts.roles import CUSTOMER_SERVICES
    from tests.factories import StaffFactory

    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


MOVES = [
    ("refer", {"role": ""}, "role", "Choose the team to refer it to."),
    ("refer", {"role": "Janitors"}, "role", "Refer a query to one of: "),
    ("take-as-complaint", {}, "category", "Choose what the complaint is about."),
    ("take-as-complaint", {"category": "x"}, "category", "Choose what the complaint is about."),
    ("take-as-complaint", {"category": "service", "formal": "maybe"}, "formal", "Choose yes or"),
]


@pytest.mark.parametrize(("move", "body", "field", "message"), MOVES)
def test_each_move_is_refused_alike_on_the_page_and_in_the_api(
    client, desk, officer_gb, centre_gb, move, body, field, message
):
    case = services.open_query(centre=centre_gb, by=officer_gb, **GOOD)

    api = api_as(desk).post(f"/api/v1/queries/{case.reference}/{move}/", body, format="json")
    page = sign_in(client, desk).post(
        f"{case.get_absolute_url()}{move}/", {f"{move}-{k}": v for k, v in body.items()}
    )

    assert api.status_code == 400 and page.status_code == 400
    assert api.json()["errors"][field][0].startswith(message)
    form = page.context["forms"][move]
    assert form.errors[field][0].startswith(message)
    assert form.errors[field] == api.json()["errors"][field]


def test_a_move_declared_once_is_made_from_the_page_and_from_the_api(
    client, desk, officer_gb, centre_gb
):
    from complaints.models import Complaint

    first = services.open_query(centre=centre_gb, by=officer_gb, **GOOD)
    second = services.open_query(centre=centre_gb, by=officer_gb, **GOOD)

    page = sign_in(client, desk).post(
        f"{first.get_absolute_url()}take-as-complaint/",
        {"take-as-complaint-category": "service", "take-as-complaint-formal": "no"},
        follow=True,
    )
    api = api_as(desk).post(
        f"/api/v1/queries/{second.reference}/take-as-complaint/",
        {"category": "service", "formal": False},
        format="json",
    )

    taken = Complaint.objects.order_by("pk")
    assert [c.kind for c in taken] == ["dissatisfaction", "dissatisfaction"]
    assert f"Taken as {taken[0].reference}; the centre has been told." in page.content.decode()
    assert api.json()["complaint"] == taken[1].reference
