"""The statement of entry: a centre's entries for a series, as CSV and as PDF."""

from collections.abc import Iterator

from django.utils import timezone

from entries.models import Entry, Series
from entries.services import entry_terms
from portal.calendar import LONDON
from portal.centres.models import Centre

COLUMNS = [
    "centre",
    "series",
    "candidate_number",
    "uci",
    "surname",
    "forenames",
    "date_of_birth",
    "syllabus_code",
    "syllabus_title",
    "option_code",
    "status",
    "late_fee",
    "entered_at",
]


def _entries(centre: Centre, series: Series):
    return (
        Entry.objects.filter(candidate__centre=centre, candidate__series=series)
        .select_related("candidate", "syllabus")
        .order_by("candidate__candidate_number", "syllabus__code")
    )


def statement_rows(*, centre: Centre, series: Series) -> Iterator[list]:
    """The header, then one row per entry (withdrawn ones too, marked), read in chunks."""
    yield COLUMNS
    for entry in _entries(centre, series).iterator(chunk_size=2000):
        candidate = entry.candidate
        yield [
            centre.number,
            series.code,
            candidate.candidate_number,
            candidate.uci,
            candidate.surname,
            candidate.forenames,
            candidate.date_of_birth.isoformat(),
            entry.syllabus.code,
            entry.syllabus.title,
            entry.option_code,
            entry.status,
            f"{entry.late_fee:.2f}",
            entry.created_at.isoformat(),
        ]


def statement_pdf(*, centre: Centre, series: Series) -> bytes:
    # Imported here, as in results/statements.py: fpdf2 is loaded by the processes that print.
    from portal.pdf import Document

    pdf = Document("landscape", title=f"Statement of entry {centre.number} {series.name}")
    pdf.add_page()
    pdf.set_font(style="B", size=14)
    pdf.cell(
        0,
        8,
        f"Statement of entry: {centre.number} {centre.name}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(style="", size=10)
    printed = timezone.localtime(timezone.now(), LONDON)
    pdf.cell(
        0,
        6,
        f"{series.name}. {entry_terms(series).describe(series)} Printed {printed:%d %B %Y %H:%M}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    widths = [18, 36, 40, 40, 22, 16, 60, 14, 24, 16]
    heads = [
        "Cand.",
        "UCI",
        "Surname",
        "Forenames",
        "Born",
        "Syllabus",
        "Title",
        "Option",
        "Status",
        "Late fee",
    ]
    pdf.set_font(style="B", size=9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 6, head, border=1)
    pdf.ln()
    pdf.set_font(style="", size=9)
    count = 0
    fees = 0
    for entry in _entries(centre, series).iterator(chunk_size=2000):
        candidate = entry.candidate
        cells = [
            candidate.candidate_number,
            candidate.uci,
            candidate.surname[:22],
            candidate.forenames[:22],
            candidate.date_of_birth.isoformat(),
            entry.syllabus.code,
            entry.syllabus.title[:34],
            entry.option_code,
            entry.get_status_display(),
            f"{entry.late_fee:.2f}" if entry.late_fee else "",
        ]
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 6, cell, border=1)
        pdf.ln()
        count += 1
        if entry.status != Entry.Status.WITHDRAWN:
            fees += entry.late_fee
    pdf.ln(2)
    pdf.set_font(style="B", size=10)
    pdf.cell(
        0,
        6,
        f"{count} entries; late fees of entries kept: GBP {fees:.2f}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
