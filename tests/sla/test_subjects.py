"""Anything a clock runs on gives the engine its reference, centre and page: checked at
start-up over every model that can carry a clock, and when a clock starts."""

import pytest
from django.apps import apps

from portal.sla.subjects import carries_clocks, check_clock_subjects, require_subject
from results.models import ReleaseDate, ResultChange


def test_every_model_that_carries_clocks_gives_what_the_engine_reads():
    carriers = [m for m in apps.get_models() if carries_clocks(m)]
    assert ReleaseDate in carriers
    assert len(carriers) > 10  # every case type, and the release dates
    assert check_clock_subjects() == []


def test_a_model_that_carries_clocks_without_a_page_fails_the_check(monkeypatch):
    monkeypatch.setattr(ResultChange, "CARRIES_CLOCKS", True, raising=False)
    errors = check_clock_subjects()
    assert [e.id for e in errors] == ["sla.E001"]
    assert "results.ResultChange" in errors[0].msg
    assert "reference, centre, get_absolute_url" in errors[0].msg


def test_a_clock_is_not_started_on_a_row_the_engine_could_not_name():
    with pytest.raises(TypeError, match="has no reference, centre, get_absolute_url"):
        require_subject(object())
