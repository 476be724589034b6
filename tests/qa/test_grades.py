"""Grade submission: in the series' window, locked once submitted, revised in a later QA
round with history kept, all or none from a CSV file with every bad line named."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qa import grades, services
from qa.grade_import import import_grades
from qa.models import Grade
from tests.qa.conftest import enter
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/qa/grades/"


def rows(*given):
    return [
        grades.GradeRow(line=n, candidate_number=c, syllabus_code=s, grade=g)
        for n, (c, s, g) in enumerate(given, start=2)
    ]


def csv_file(text: str, name="grades.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_submit_grades_in_window_saves_round_one(candidates, centre_gb, series, officer_gb):
    saved = grades.submit_grades(
        rows(("0001", "0580", "A"), ("0002", "0610", "C")),
        centre=centre_gb,
        series=series,
        by=officer_gb,
    )

    assert sorted((g.candidate.candidate_number, g.grade, g.round) for g in saved) == [
        ("0001", "A", 1),
        ("0002", "C", 1),
    ]


def test_submit_grades_when_already_submitted_is_locked(graded, centre_gb, series, officer_gb):
    with pytest.raises(grades.GradesRefused) as refused:
        grades.submit_grades(
            rows(("0001", "0580", "B")), centre=centre_gb, series=series, by=officer_gb
        )

    assert refused.value.lines == [
        {
            "line": 2,
            "message": "The grade of candidate 0001 for 0580 is already submitted and locked.",
        }
    ]
    assert Grade.objects.get(pk=graded[0].pk).grade == "A"


def test_submit_grades_outside_window_refused(candidates, centre_gb, series, window, officer_gb):
    late = window.grades_close_at + dt.timedelta(minutes=1)
    with time_machine.travel(late), pytest.raises(grades.GradesRefused, match="1 of the"):
        grades.submit_grades(
            rows(("0001", "0580", "A")), centre=centre_gb, series=series, by=officer_gb
        )

    assert not Grade.objects.exists()


def test_submit_grades_with_bad_rows_saves_none_and_names_each(
    candidates, centre_gb, series, officer_gb
):
    with pytest.raises(grades.GradesRefused) as refused:
        grades.submit_grades(
            rows(
                ("0001", "0580", "A"),
                ("0002", "9999", "A"),
                ("0099", "0580", "A"),
                ("0003", "0580", "Z"),
                ("0001", "0580", "B"),
            ),
            centre=centre_gb,
            series=series,
            by=officer_gb,
        )

    assert [line["line"] for line in refused.value.lines] == [3, 4, 5, 6]
    assert "No syllabus has the code 9999" in refused.value.lines[0]["message"]
    assert "No candidate 0099" in refused.value.lines[1]["message"]
    assert "Z is not a grade" in refused.value.lines[2]["message"]
    assert "two grades" in refused.value.lines[3]["message"]
    assert not Grade.objects.exists()


def test_submit_grades_for_syllabus_not_entered_refused(candidates, centre_gb, series, officer_gb):
    from tests.factories import SyllabusFactory

    SyllabusFactory(code="0625")

    with pytest.raises(grades.GradesRefused) as refused:
        grades.submit_grades(
            rows(("0001", "0625", "A")), centre=centre_gb, series=series, by=officer_gb
        )

    assert refused.value.lines[0]["message"] == "Candidate 0001 is not entered for 0625."


def test_submit_grades_for_another_centres_candidate_refused(
    candidates, centre_gb, centre_pk, series, maths, officer_gb
):
    enter(centre_pk, series, [maths], count=1)
    Grade.objects.all().delete()

    with pytest.raises(grades.GradesRefused, match="1 of the grades"):
        grades.submit_grades(
            rows(("0007", "0580", "A")), centre=centre_gb, series=series, by=officer_gb
        )


def test_revised_grades_in_a_later_round_keep_history(
    submitted, specialist, centre_gb, series, officer_gb, maths
):
    services.request_more(submitted, by=specialist, feedback="Too generous.")

    grades.submit_grades(
        rows(("0001", "0580", "B")), centre=centre_gb, series=series, by=officer_gb
    )

    history = Grade.objects.filter(candidate__candidate_number="0001", syllabus=maths)
    assert list(history.values_list("grade", "round")) == [("A", 1), ("B", 2)]
    current = Grade.objects.filter(syllabus=maths).current()
    assert current.get(candidate__candidate_number="0001").grade == "B"
    with pytest.raises(grades.GradesRefused, match="1 of the grades"):
        grades.submit_grades(
            rows(("0001", "0580", "C")), centre=centre_gb, series=series, by=officer_gb
        )


def test_revised_grades_after_window_closed_accepted(
    submitted, specialist, centre_gb, series, window, officer_gb
):
    services.request_more(submitted, by=specialist, feedback="Too generous.")

    with time_machine.travel(window.grades_close_at + dt.timedelta(days=2)):
        saved = grades.submit_grades(
            rows(("0002", "0580", "C")), centre=centre_gb, series=series, by=officer_gb
        )

    assert [(g.grade, g.round) for g in saved] == [("C", 2)]


def test_import_grades_csv_all_rows_saved(candidates, centre_gb, series, officer_gb):
    file = csv_file("candidate_number,syllabus_code,grade\n0001,0580,A*\n0002,0580,B\n\n")

    saved = import_grades(file, centre=centre_gb, series=series, by=officer_gb)

    assert sorted(g.grade for g in saved) == ["A*", "B"]


def test_import_grades_csv_with_bad_lines_saves_nothing(candidates, centre_gb, series, officer_gb):
    file = csv_file(
        "\ufeffcandidate_number,syllabus_code,grade\n0001,0580,A\n0002,0580\n0003,0580,Q\n"
    )

    with pytest.raises(grades.GradesRefused) as refused:
        import_grades(file, centre=centre_gb, series=series, by=officer_gb)

    assert refused.value.lines == [
        {"line": 3, "message": "Give 3 values, as the header."},
        {"line": 4, "message": "Q is not a grade; use one of A*, A, B, C, D, E, F, G, U."},
    ]
    assert not Grade.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("number,grade\n0001,A\n", "The first line must be the header"),
        ("candidate_number,syllabus_code,grade\n", "no grades below its header"),
    ],
)
def test_import_grades_csv_unreadable_refused(
    candidates, centre_gb, series, officer_gb, text, message
):
    with pytest.raises(grades.GradesRefused) as refused:
        import_grades(csv_file(text), centre=centre_gb, series=series, by=officer_gb)

    assert message in refused.value.lines[0]["message"]


def test_import_grades_csv_not_utf8_refused(candidates, centre_gb, series, officer_gb):
    file = SimpleUploadedFile(
        "g.csv", "candidate_number,syllabus_code,grade\n0001,0580,é\n".encode("latin-1")
    )

    with pytest.raises(grades.GradesRefused, match="1 of the grades") as refused:
        import_grades(file, centre=centre_gb, series=series, by=officer_gb)

    assert refused.value.lines == [{"line": 1, "message": "The file is not a CSV saved as UTF-8."}]


# API ------------------------------------------------------------------------------------


def test_api_grades_post_saves_all(candidates, officer_api, series):
    body = {
        "series": series.code,
        "grades": [
            {"candidate_number": "0001", "syllabus_code": "0580", "grade": "A"},
            {"candidate_number": "0002", "syllabus_code": "0610", "grade": "E"},
        ],
    }

    response = officer_api.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2}


def test_api_grades_post_with_bad_row_answers_lines(candidates, officer_api, series):
    body = {
        "series": series.code,
        "grades": [
            {"candidate_number": "0001", "syllabus_code": "0580", "grade": "A"},
            {"candidate_number": "0002", "syllabus_code": "0580", "grade": "H"},
        ],
    }

    response = officer_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 2
    assert not Grade.objects.exists()


def test_api_grades_import_csv(candidates, officer_api, series):
    file = csv_file("candidate_number,syllabus_code,grade\n0001,0580,A\n0003,0610,C\n")

    response = officer_api.post(f"{URL}import/", {"series": series.code, "file": file})

    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2}


def test_api_grades_import_csv_bad_lines_answers_400(candidates, officer_api, series):
    file = csv_file("candidate_number,syllabus_code,grade\n0001,0580,A\n0002,0580,X\n")

    response = officer_api.post(f"{URL}import/", {"series": series.code, "file": file})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"line": 3, "message": "X is not a grade; use one of A*, A, B, C, D, E, F, G, U."}
        ]
    }
    assert not Grade.objects.exists()


def test_api_grades_list_shows_only_own_centre(graded, centre_pk, series, maths, officer_pk):
    other = enter(centre_pk, series, [maths], count=1)[0]
    Grade.objects.create(
        centre=centre_pk, series=series, syllabus=maths, candidate=other, grade="C"
    )

    response = api_as(officer_pk).get(URL)

    assert [(g["centre"], g["grade"]) for g in response.json()["results"]] == [("PK002", "C")]


def test_api_grades_post_by_staff_refused(candidates, staff_api, series):
    body = {
        "series": series.code,
        "grades": [{"candidate_number": "0001", "syllabus_code": "0580", "grade": "A"}],
    }

    response = staff_api.post(URL, body, format="json")

    assert response.status_code == 403
    assert not Grade.objects.exists()


def test_api_grades_post_naming_another_centre_refused(candidates, officer_api, series):
    body = {
        "centre": "PK002",
        "series": series.code,
        "grades": [{"candidate_number": "0001", "syllabus_code": "0580", "grade": "A"}],
    }

    response = officer_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": {"centre": ["No centre of yours has that number."]}}


def test_window_open_at_its_edges(window):
    assert window.window_open(window.grades_open_at)
    assert window.window_open(window.grades_close_at)
    assert not window.window_open(window.grades_open_at - dt.timedelta(seconds=1))
    assert not window.window_open(timezone.now() + dt.timedelta(days=60))
