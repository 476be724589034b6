"""A page's rows are read by a statement compiled once (``portal.statements``): the rows it
answers are those the queryset itself answers, converted alike, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db.models import F

from portal.statements import AnyOf, Equals, Slot, Statement
from results import queries
from results.models import QaHold, Result
from tests.results.conftest import make_result


def _by_the_orm(ids):
    return list(queries.rows(queries.chosen(Result.objects.filter(pk__in=ids))))


@pytest.mark.django_db
def test_the_statement_answers_what_the_queryset_answers(series, centre_gb, centre_pk):
    results = [
        make_result(centre_gb, series, "0001", "0580", "A"),
        make_result(centre_gb, series, "0001", "0610", "B"),
        make_result(centre_gb, series, "0002", "0580", status="pending"),
        make_result(centre_pk, series, "0001", "0580", "C"),
    ]
    marked = results[0]
    marked.component_marks = {"1": 61, "2": 70}
    marked.amended_at = dt.datetime(2027, 8, 20, 9, 30, tzinfo=dt.UTC)
    marked.save()
    QaHold.objects.create(
        centre=centre_pk, series=series, syllabus=results[3].syllabus, reference="QA-TEST-1"
    )
    ids = [r.pk for r in reversed(results)]
    statement = Statement(queries.rows(queries.chosen(Result.objects.filter(
        AnyOf(F("pk"), Slot("ids"))
    ))))  # fmt: skip
    found = statement.rows(ids=ids)
    assert found == _by_the_orm(ids)
    first = next(row for row in found if row["id"] == marked.pk)
    assert first["component_marks"] == {"1": 61, "2": 70}  # JSON read back as the ORM does
    assert first["amended_at"] == marked.amended_at
    assert next(row for row in found if row["id"] == results[3].pk)["shown_status"] == (
        Result.Status.WITHHELD
    )
    assert statement.rows(ids=[]) == []
    assert statement.rows(ids=ids[:1]) == _by_the_orm(ids[:1])
    # The page's rows, in the page's order.
    assert [row["id"] for row in queries.rows_of(ids)] == ids


@pytest.mark.django_db
def test_a_statement_wants_each_of_its_slots_and_only_them(series):
    statement = Statement(Result.objects.filter(AnyOf(F("pk"), Slot("ids"))).values("id"))
    with pytest.raises(TypeError):
        statement.rows()
    with pytest.raises(TypeError):
        statement.rows(ids=[1], other=2)
    with pytest.raises(ValueError):
        Statement(Result.objects.all())


@pytest.mark.django_db
def test_a_slot_may_stand_for_one_value(series, centre_gb, centre_pk):
    gb = make_result(centre_gb, series, "0001", "0580", "A")
    make_result(centre_pk, series, "0001", "0580", "C")
    statement = Statement(
        Result.objects.filter(Equals(F("centre_id"), Slot("centre"))).values("id", "grade")
    )
    assert statement.rows(centre=centre_gb.pk) == [{"id": gb.pk, "grade": "A"}]
    assert statement.rows(centre=0) == []
