"""The statement of results of one candidate, as a printable PDF (``portal.pdf``: names print
as written, in any script)."""

from results.models import Result

STATUS = dict(Result.Status.choices)


def statement_pdf(series, rows: list[dict]) -> bytes:
    # Imported here: fpdf2 and its font tools take a fifth of a second to load, and every
    # process that reads the URLs (each worker, each management command) would pay it.
    from portal.pdf import Document

    first = rows[0]
    pdf = Document(title=f"Statement of results {series.name}", author="Exams Portal")
    pdf.add_page()
    pdf.set_font(style="B", size=16)
    pdf.cell(0, 10, f"Statement of results: {series.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=11)
    for label, value in (
        ("Candidate", f"{first['surname']}, {first['forenames']}"),
        ("Candidate number", first["candidate_number"]),
        ("Unique candidate identifier", first["uci"] or "-"),
        ("Centre", first["centre"]),
    ):
        pdf.cell(60, 7, label)
        pdf.cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(20, 110, 40), text_align="LEFT") as table:
        heading = table.row()
        for name in ("Syllabus", "Title", "Grade"):
            heading.cell(name)
        for row in rows:
            line = table.row()
            line.cell(row["syllabus_code"])
            line.cell(row["syllabus_title"])
            line.cell(row["grade"] or STATUS[row["status"]])
    pdf.ln(6)
    pdf.set_font(style="I", size=9)
    pdf.multi_cell(
        0,
        5,
        "This statement is provisional and not a certificate. Withheld and pending results "
        "are shown as such; a result changed after release is shown as it now stands.",
    )
    return bytes(pdf.output())
