"""The statement of entry (PDF) prints candidates' and centres' names as written, in any
script."""

import pytest

from entries import services
from tests.factories import CandidateFactory, CentreFactory, OfficerFactory
from tests.pdftext import NAMES, assert_printed, needs_pdftotext, pdf_text
from tests.signing_in import sign_in

pytestmark = needs_pdftotext


def _statement(client) -> str:
    response = client.get("/entries/J27/statement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


@pytest.mark.parametrize(("surname", "forenames"), NAMES)
def test_statement_of_entry_prints_candidate_name_as_written(
    client, officer_gb, centre_gb, series, surname, forenames
):
    candidate = CandidateFactory(
        centre=centre_gb,
        series=series,
        candidate_number="0001",
        surname=surname,
        forenames=forenames,
    )
    services.make_entry(candidate, syllabus_code="0580", option_code="42", by=None)

    text = _statement(sign_in(client, officer_gb))

    assert_printed(text, surname, forenames, "Statement of entry: GB001 Riverside Academy")


@pytest.mark.parametrize(
    "name",
    [
        "Trường Quốc tế Hà Nội",
        "Szkoła Łódź",
        "Özel Şişli Lisesi",
        "Гимназия № 1",
        "مدرسة النور الدولية",
    ],
    ids=["vietnamese", "polish", "turkish", "cyrillic", "arabic"],
)
def test_statement_of_entry_prints_centre_name_as_written(client, series, name):
    centre = CentreFactory(number="AE001", name=name, country="AE", timezone="Asia/Dubai")
    officer = OfficerFactory(username="officer-ae", membership__centre=centre)
    candidate = CandidateFactory(centre=centre, series=series, surname="Haddad", forenames="Rania")
    services.make_entry(candidate, syllabus_code="0610", option_code="32", by=None)

    text = _statement(sign_in(client, officer))

    assert_printed(text, name, "Haddad", "Rania", "AE001")
