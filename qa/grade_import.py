"""Grades from a CSV file: parse (header and rows, with their line numbers), then
``services.submit_grades`` checks every row and saves all or none.

Kept apart from the rules so that the shared import machine of ``portal/spreadsheets.py``
can take over the parsing without touching them.
"""

import csv
import io

from qa.grades import GradeRow, GradesRefused, check_grades, submit_grades

HEADER = ["candidate_number", "syllabus_code", "grade"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20000


def import_grades(file, *, centre, series, by, at=None):
    """Submit the grades of a CSV file, all or none: every bad line is named, those the
    file's layout spoils and those the rules refuse together, and nothing is saved."""
    rows, errors = parse_grades(file)
    if errors and rows:
        try:
            check_grades(rows, centre=centre, series=series, at=at)
        except GradesRefused as refused:
            errors += refused.lines
    if errors:
        raise GradesRefused(sorted(errors, key=lambda e: e["line"]))
    return submit_grades(rows, centre=centre, series=series, by=by, at=at)


def parse_grades(file) -> tuple[list[GradeRow], list[dict]]:
    """The rows of a grades CSV (header ``candidate_number,syllabus_code,grade``), each with
    its line in the file, and the lines whose layout is wrong; a file that cannot be read
    at all is refused at line 1."""
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise GradesRefused([{"line": 1, "message": "The file is over 2 MB; split it."}])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GradesRefused(
            [{"line": 1, "message": "The file is not a CSV saved as UTF-8."}]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if sorted(header) != sorted(HEADER):
        raise GradesRefused(
            [{"line": 1, "message": f"The first line must be the header {','.join(HEADER)}."}]
        )
    rows, errors = [], []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append({"line": line, "message": f"Give {len(header)} values, as the header."})
            continue
        values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        rows.append(GradeRow(line=line, **values))
        if len(rows) > MAX_ROWS:
            raise GradesRefused([{"line": line, "message": f"At most {MAX_ROWS} grades a file."}])
    if not rows and not errors:
        raise GradesRefused([{"line": 2, "message": "The file has no grades below its header."}])
    return rows, errors
