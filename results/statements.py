"""The statement of results of one candidate, as a printable PDF (fpdf2, no system fonts)."""

from fpdf import FPDF

from results.models import Result

STATUS = dict(Result.Status.choices)


def _text(value) -> str:
    # The core fonts cover Latin-1; anything else prints as a question mark, never fails.
    return str(value or "").encode("latin-1", "replace").decode("latin-1")


def statement_pdf(series, rows: list[dict]) -> bytes:
    first = rows[0]
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Statement of results {series.name}"))
    pdf.set_author("Exams Portal")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(f"Statement of results: {series.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in (
        ("Candidate", f"{first['surname']}, {first['forenames']}"),
        ("Candidate number", first["candidate_number"]),
        ("Unique candidate identifier", first["uci"] or "-"),
        ("Centre", first["centre"]),
    ):
        pdf.cell(60, 7, _text(label))
        pdf.cell(0, 7, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(20, 110, 40), text_align="LEFT") as table:
        heading = table.row()
        for name in ("Syllabus", "Title", "Grade"):
            heading.cell(name)
        for row in rows:
            line = table.row()
            line.cell(_text(row["syllabus_code"]))
            line.cell(_text(row["syllabus_title"]))
            line.cell(_text(row["grade"] or STATUS[row["status"]]))
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(
        0,
        5,
        "This statement is provisional and not a certificate. Withheld and pending results "
        "are shown as such; a result changed after release is shown as it now stands.",
    )
    return bytes(pdf.output())
