"""The statement of results (PDF) prints the candidate's name as written, in any script."""

import pytest
import time_machine

from tests.factories import CandidateFactory
from tests.pdftext import NAMES, assert_printed, needs_pdftotext, pdf_text
from tests.results.conftest import AFTER, make_result
from tests.signing_in import sign_in

pytestmark = [pytest.mark.django_db, needs_pdftotext]


@pytest.mark.parametrize(("surname", "forenames"), NAMES)
def test_statement_of_results_prints_candidate_name_as_written(
    client, officer_gb, centre_gb, series, surname, forenames
):
    CandidateFactory(
        centre=centre_gb,
        series=series,
        candidate_number="0001",
        surname=surname,
        forenames=forenames,
    )
    make_result(centre_gb, series, "0001", "0580", "A")
    make_result(centre_gb, series, "0001", "0610", status="pending")

    with time_machine.travel(AFTER, tick=False):
        response = sign_in(client, officer_gb).get("/results/J27/GB001/0001/statement.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert_printed(text, surname, forenames, "Statement of results: June 2027", "GB001")
    assert "Pending" in text
