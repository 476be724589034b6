import datetime as dt
import io
from decimal import Decimal

import pytest

from entries import services
from entries.models import Candidate, Entry
from tests.entries.conftest import BEFORE_DEADLINE
from tests.factories import CandidateFactory, EntryFactory

HEADER = "candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code"


def _csv(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


def _import(centre, series, data, *, by=None, accept_late_fee=False):
    return services.import_entries(
        centre=centre, series=series, stream=data, by=by, accept_late_fee=accept_late_fee
    )


def test_import_all_rows_valid_saves_candidates_and_entries(centre_gb, officer_gb, series):
    outcome = _import(
        centre_gb,
        series,
        _csv(
            "0001,Adams,Grace,2010-03-14,0580,42",
            "0001,Adams,Grace,2010-03-14,0610,32",
            "0002,Begum,Nadia,2010-07-02,0580,22",
        ),
        by=officer_gb,
    )

    assert outcome.errors == []
    assert outcome.created == 3
    grace = Candidate.objects.get(centre=centre_gb, series=series, candidate_number="0001")
    assert grace.uci == "GB0010270001" + grace.uci[-1]
    assert grace.entries.count() == 2
    assert set(Entry.objects.values_list("status", "late_fee")) == {("provisional", Decimal("0"))}
    assert set(Entry.objects.values_list("centre", flat=True)) == {centre_gb.pk}


def test_import_every_kind_of_bad_row_saves_nothing_and_reports_each_line(
    centre_gb, centre_pk, officer_gb, series
):
    existing = CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0050", surname="Clarke",
        forenames="Oliver", date_of_birth=dt.date(2009, 11, 23),
    )  # fmt: skip
    EntryFactory(
        candidate=existing, syllabus=series.options.get(code="32").syllabus, option_code="32"
    )
    data = _csv(
        "0001,Adams,Grace,2010-03-14,0580,42,",  # line 2: good
        "0002,Begum,Nadia,2010-07-02,9999,42,",  # 3: unknown syllabus
        "0003,Clarke,Oliver,2009-11-23,0580,99,",  # 4: option not offered
        "0001,Adams,Grace,2010-03-14,0580,42,",  # 5: duplicate of line 2
        "12A,Davies,Ffion,2010-01-09,0610,32,",  # 6: bad candidate number
        "0005,Evans,Huw,2010-13-45,0610,32,",  # 7: bad date
        "0006,Patel,Ravi,2010-05-05,0610,32,GB0010270006A",  # 8: UCI fails its check
        "0007,,Sam,2010-05-05,0610,32,",  # 9: surname missing
        "0050,Clarke,Oliver,2009-11-23,0610,32,",  # 10: already entered
        "0051,Jones,Tom,2010-01-01,0580,42,ABC",  # 11: UCI layout
        header=HEADER + ",uci",
    )

    outcome = _import(centre_gb, series, data, by=officer_gb)

    lines = {error["line"]: error["message"] for error in outcome.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "no syllabus '9999'" in lines[3]
    assert "Option '99' of 0580 is not offered in June 2027" in lines[4]
    assert "line 2 already" in lines[5]
    assert "candidate number '12A'" in lines[6]
    assert "date of birth '2010-13-45'" in lines[7]
    assert "fails its check: one of its characters is wrong" in lines[8]
    assert "surname is missing" in lines[9]
    assert "already has an entry for this syllabus" in lines[10]
    assert "13 characters" in lines[11]
    assert outcome.created == 0
    assert Candidate.objects.filter(centre=centre_gb).count() == 1
    assert Entry.objects.count() == 1


def test_import_rows_short_of_cells_reported(centre_gb, series):
    outcome = _import(centre_gb, series, _csv("0001,Adams,Grace,2010-03-14,0580"))

    assert outcome.errors == [{"line": 2, "message": "This row has 5 cells; the header has 6."}]


def test_import_wrong_header_reported_on_line_one(centre_gb, series):
    outcome = _import(centre_gb, series, _csv("0001,Adams", header="number,name"))

    assert [e["line"] for e in outcome.errors] == [1]
    assert "lacks candidate_number" in outcome.errors[0]["message"]
    assert Candidate.objects.count() == 0


def test_import_not_utf8_reported(centre_gb, series):
    data = io.BytesIO(HEADER.encode() + b"\n0001,Ad\xe9ms,Grace,2010-03-14,0580,42\n")

    outcome = _import(centre_gb, series, data)

    assert outcome.errors and "UTF-8" in outcome.errors[0]["message"]
    assert Candidate.objects.count() == 0


def test_import_candidate_details_differing_between_rows(centre_gb, series):
    outcome = _import(
        centre_gb,
        series,
        _csv("0001,Adams,Grace,2010-03-14,0580,42", "0001,Adams,Gracie,2010-03-14,0610,32"),
    )

    assert outcome.errors == [
        {"line": 3, "message": "This candidate's name, date of birth or UCI differs from line 2."}
    ]


def test_import_quoted_cell_over_two_lines_counts_lines_as_a_spreadsheet(centre_gb, series):
    outcome = _import(
        centre_gb,
        series,
        _csv('0001,"Adams\nSmith",Grace,2010-03-14,0580,42', "0002,Begum,Nadia,2010-07-02,0580,77"),
    )

    assert [e["line"] for e in outcome.errors] == [4]


def test_import_after_deadline_without_late_fee_refuses_every_row(today, centre_gb, series):
    today.move_to(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC))

    outcome = _import(
        centre_gb,
        series,
        _csv("0001,Adams,Grace,2010-03-14,0580,42", "0002,Begum,Nadia,2010-07-02,0580,42"),
    )

    assert [e["line"] for e in outcome.errors] == [2, 3]
    assert "late fee of £25.00" in outcome.errors[0]["message"]
    assert Entry.objects.count() == 0


def test_import_reports_every_error_of_a_row_at_once(today, centre_gb, series):
    """A row with a late-fee problem, details that differ from the candidate's first row and
    a repeat of an earlier row shows all three, not only the first found."""
    existing = CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0050", surname="Clarke",
        forenames="Oliver", date_of_birth=dt.date(2009, 11, 23),
    )  # fmt: skip
    today.move_to(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC))

    outcome = _import(
        centre_gb,
        series,
        _csv(
            "0001,Adams,Grace,2010-03-14,0580,42",  # 2
            "0001,Adams,Grace,2010-03-14,0580,42",  # 3: a repeat of line 2
            "0001,Adams,Gracie,2010-03-14,0610,32",  # 4: other details than line 2
            "0050,Clarke,Olive,2009-11-23,0580,42",  # 5: not the stored candidate's details
        ),
    )

    lines = {error["line"]: error["message"] for error in outcome.errors}
    assert sorted(lines) == [2, 3, 4, 5]
    for line in (2, 3, 4, 5):
        assert "late fee of £25.00" in lines[line]
    assert "line 2 already" in lines[3]
    assert "differs from line 2" in lines[4]
    assert "already Oliver Clarke" in lines[5]
    assert existing.entries.count() == 0
    assert Entry.objects.count() == 0


def test_import_after_deadline_with_late_fee_accepted_charges_it(today, centre_gb, series):
    today.move_to(dt.datetime(2027, 3, 20, 10, 0, tzinfo=dt.UTC))

    outcome = _import(
        centre_gb, series, _csv("0001,Adams,Grace,2010-03-14,0580,42"), accept_late_fee=True
    )

    assert outcome.created == 1
    assert Entry.objects.get().late_fee == Decimal("60.00")


def test_import_after_last_late_period_refused_even_with_fee(today, centre_gb, series):
    today.move_to(dt.datetime(2027, 4, 5, 10, 0, tzinfo=dt.UTC))

    outcome = _import(
        centre_gb, series, _csv("0001,Adams,Grace,2010-03-14,0580,42"), accept_late_fee=True
    )

    assert outcome.errors == [{"line": 2, "message": "Entries for June 2027 are closed."}]


def test_import_progress_reported_as_rows_are_read(centre_gb, series):
    seen = []
    rows = [f"{n:04d},Pupil,Number,2010-01-01,0580,42" for n in range(1, 13)]

    from entries.imports import EntriesImport
    from portal.spreadsheets import run_import

    spec = EntriesImport(centre=centre_gb, series=series, accept_late_fee=False, at=BEFORE_DEADLINE)
    outcome = run_import(spec, _csv(*rows), progress=seen.append, every=5)

    assert outcome.created == 12
    assert seen == [5, 10, 12]


@pytest.mark.parametrize("uci", ["PK0020240001T", ""])
def test_import_uci_from_another_centre_kept(centre_gb, series, uci):
    from entries.uci import propose_uci

    given = propose_uci(centre_number="PK002", year=2024, candidate_number="0001") if uci else ""
    outcome = _import(
        centre_gb,
        series,
        _csv(f"0001,Adams,Grace,2010-03-14,0580,42,{given}", header=HEADER + ",uci"),
    )

    assert outcome.errors == []
    if given:
        assert Candidate.objects.get().uci == given
