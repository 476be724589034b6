"""The officer's list of question paper despatches of a series: their centre's papers in the
order of the exams, each with the date it is due by and its status; never another centre's."""

import re

import pytest

from entries import services
from entries.models import PaperDespatch
from tests.factories import CandidateFactory
from tests.signing_in import sign_in


@pytest.fixture
def despatches(charter, centre_gb, centre_pk, officer_gb, officer_pk, series, staff_user):
    """GB001 entered for 0580 option 42 (papers 22 and 42; 22 despatched), PK002 for 0610
    option 32 (paper 32), both confirmed."""
    for centre, officer, syllabus, option in (
        (centre_gb, officer_gb, "0580", "42"),
        (centre_pk, officer_pk, "0610", "32"),
    ):
        candidate = CandidateFactory(centre=centre, series=series, candidate_number="0001")
        services.make_entry(candidate, syllabus_code=syllabus, option_code=option, by=officer)
        services.confirm_submission(
            services.submit_entries(centre=centre, series=series, by=officer), by=staff_user
        )
    paper2 = PaperDespatch.objects.get(centre=centre_gb, paper__component__code="22")
    services.despatch_papers(paper2, by=staff_user)
    return {
        "gb": list(PaperDespatch.objects.filter(centre=centre_gb).order_by("paper__date")),
        "pk": PaperDespatch.objects.get(centre=centre_pk),
    }


def _rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_despatch_list_shows_the_centres_papers_in_exam_order(client, officer_gb, despatches):
    paper2, paper4 = despatches["gb"]

    response = sign_in(client, officer_gb).get("/entries/J27/despatches/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Question paper despatches for June 2027</h1>" in page
    assert "2 question paper despatches: 1 despatched, 1 due for despatch." in page
    assert _rows(page) == [
        [
            paper2.reference,
            "0580 Mathematics",
            "22 Paper 2 (Extended)",
            "4 May 2027 morning",
            "24 Apr 2027",
            "1",
            "Despatched",
        ],
        [
            paper4.reference,
            "0580 Mathematics",
            "42 Paper 4 (Extended)",
            "12 May 2027 morning",
            "2 May 2027",
            "1",
            "Due for despatch",
        ],
    ]
    assert despatches["pk"].reference not in page
    assert "Biology" not in page


def test_despatch_list_of_one_despatch_says_so_in_the_singular(client, officer_pk, despatches):
    page = sign_in(client, officer_pk).get("/entries/J27/despatches/").content.decode()

    assert "1 question paper despatch: 0 despatched, 1 due for despatch." in page
    assert [row[0] for row in _rows(page)] == [despatches["pk"].reference]
    assert "despatchs" not in page


def test_despatch_list_of_another_centre_404(client, officer_gb, despatches):
    signed_in = sign_in(client, officer_gb)

    theirs = signed_in.get("/entries/J27/despatches/?centre=PK002")
    ours = signed_in.get("/entries/J27/despatches/?centre=GB001")

    assert theirs.status_code == 404
    assert despatches["pk"].reference not in theirs.content.decode()
    assert ours.status_code == 200
    assert [row[0] for row in _rows(ours.content.decode())] == [
        d.reference for d in despatches["gb"]
    ]


def test_despatch_list_for_staff_names_each_centre(staff_client, despatches):
    page = staff_client.get("/entries/J27/despatches/").content.decode()

    assert [row[1] for row in _rows(page)] == ["GB001", "GB001", "PK002"]


def test_despatch_list_before_any_confirmed_entry_says_none_are_due(client, officer_gb, series):
    page = sign_in(client, officer_gb).get("/entries/J27/despatches/").content.decode()

    assert "No question papers are due for despatch in June 2027 yet" in page
    assert "<table" not in page


def test_despatch_list_reached_from_the_series_pages(client, officer_gb, series):
    page = sign_in(client, officer_gb).get("/entries/J27/").content.decode()

    assert '<a href="/entries/J27/despatches/">Question paper despatches</a>' in page


def test_home_deadline_of_a_despatch_leads_to_its_row(client, officer_gb, despatches):
    paper4 = despatches["gb"][1]
    signed_in = sign_in(client, officer_gb)

    home = signed_in.get("/").content.decode()
    listed = signed_in.get("/entries/J27/despatches/").content.decode()

    assert f'<a href="/entries/J27/despatches/#{paper4.reference}">{paper4.reference}</a>' in home
    assert f'<tr id="{paper4.reference}">' in listed
