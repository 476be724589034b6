"""The kit's declared moves (portal/cases/steps.py) and the rules they are built from
(portal/rules.py): a choice and a yes-or-no say the same on a form, in a serializer and in
the service."""

import datetime as dt

import pytest
from rest_framework.exceptions import ValidationError as ApiRefusal

from complaints.helpdesk.models import Query
from complaints.helpdesk.steps import STEPS
from portal.cases.steps import Step, Steps
from portal.errors import PortalError
from portal.rules import Choice, Day, Flag, Number

TEAM = Choice(
    "team",
    label="Team",
    choices=[("a", "Team A"), ("b", "Team B")],
    missing="Choose a team.",
    prompt="Choose",
)
FORMAL = Flag("formal", label="Take it as", yes="Formal", no="Informal", default=True)


def test_a_step_naming_a_move_the_table_lacks_is_refused_at_start_up():
    with pytest.raises(ValueError, match="Query has no move reopen"):
        Steps(Query, {"reopen": Step(lambda case, by: case)})


def test_each_step_has_a_form_and_a_serializer_built_from_its_rules():
    refer = STEPS.built["refer"]
    assert list(refer.form.base_fields) == ["role"]
    assert list(refer.serializer().fields) == ["role"]
    assert refer.serializer.__name__ == "QueryReferSerializer"
    answer = STEPS.built["answer"]
    assert list(answer.form.base_fields) == ["response"]


@pytest.mark.parametrize(
    ("given", "message"),
    [("", "Choose a team."), (None, "Choose a team."), ("c", "Choose one of: a, b.")],
)
def test_a_choice_refuses_alike_everywhere(given, message):
    with pytest.raises(PortalError) as refused:
        TEAM.clean(given)
    assert (refused.value.field, refused.value.message) == ("team", message)

    form = TEAM.form_field()
    with pytest.raises(Exception) as on_form:
        form.clean(given)
    assert on_form.value.messages == [message]

    field = TEAM.serializer_field()
    with pytest.raises(Exception) as in_api:
        field.run_validation(given)
    assert in_api.value.detail == [message]


def test_a_choice_keeps_what_was_chosen_and_offers_a_prompt_on_the_page():
    assert TEAM.clean(" b ") == "b"
    assert TEAM.serializer_field().run_validation("a") == "a"
    assert TEAM.form_field().choices == [("", "Choose"), ("a", "Team A"), ("b", "Team B")]
    assert list(TEAM.serializer_field().choices) == ["a", "b"]


@pytest.mark.parametrize(
    ("given", "meant"),
    [("yes", True), ("no", False), (True, True), (False, False), ("", True), (None, True)],
)
def test_a_flag_reads_the_page_and_the_api(given, meant):
    assert FORMAL.clean(given) is meant
    assert FORMAL.form_field().clean(given) is meant


def test_a_flag_refuses_anything_else():
    with pytest.raises(PortalError, match="Choose yes or no."):
        FORMAL.clean("maybe")


ADJUSTMENT = Number("adjustment", label="Adjustment", least=1, most=25, missing="Give 1 to 25.")
OPTIONAL = Number("adjustment", label="Adjustment", least=1, most=25)


@pytest.mark.parametrize(("given", "meant"), [("7", 7), (" 25 ", 25), (1, 1), (3.0, 3)])
def test_a_number_reads_the_page_and_the_api(given, meant):
    assert ADJUSTMENT.clean(given) == meant
    assert ADJUSTMENT.form_field().clean(given) == meant
    assert ADJUSTMENT.serializer_field().run_validation(given) == meant


@pytest.mark.parametrize("given", ["", None, "0", "26", "2.5", 2.5, True, "seven"])
def test_a_number_refuses_alike_everywhere(given):
    with pytest.raises(PortalError, match="Give 1 to 25."):
        ADJUSTMENT.clean(given)
    with pytest.raises(Exception) as on_form:
        ADJUSTMENT.form_field().clean(given)
    assert on_form.value.messages == ["Give 1 to 25."]


def test_an_optional_number_left_out_is_none_and_says_its_range_when_wrong():
    assert OPTIONAL.clean("") is None and OPTIONAL.clean(None) is None
    with pytest.raises(PortalError, match="Give a whole number from 1 to 25."):
        OPTIONAL.clean("99")


SENT_ON = Day("sent_on", label="Date sent", initial=lambda: dt.date(2026, 9, 4))
REQUIRED_DAY = Day("sent_on", label="Date sent", missing="Give the date it went.")


@pytest.mark.parametrize(
    ("given", "meant"),
    [("2026-09-04", dt.date(2026, 9, 4)), (" 2026-02-28 ", dt.date(2026, 2, 28))],
)
def test_a_day_reads_the_page_and_the_api(given, meant):
    assert SENT_ON.clean(given) == meant
    assert SENT_ON.form_field().clean(given) == meant
    assert SENT_ON.serializer_field().run_validation(given) == meant


@pytest.mark.parametrize("given", ["2026-02-30", "04/09/2026", "20260904", "2026-9-4", "soon"])
def test_a_day_refuses_alike_everywhere(given):
    said = "Give the date as YYYY-MM-DD, for example 2026-08-20."
    with pytest.raises(PortalError, match=said):
        SENT_ON.clean(given)
    with pytest.raises(Exception) as on_form:
        SENT_ON.form_field().clean(given)
    assert on_form.value.messages == [said]
    with pytest.raises(ApiRefusal) as in_api:
        SENT_ON.serializer_field().run_validation(given)
    assert in_api.value.detail == [said]


def test_a_day_left_out_is_none_unless_required_and_the_page_offers_its_first_value():
    assert SENT_ON.clean("") is None and SENT_ON.form_field().clean("") is None
    with pytest.raises(PortalError, match="Give the date it went."):
        REQUIRED_DAY.clean(None)
    field = SENT_ON.form_field()
    assert field.initial() == dt.date(2026, 9, 4)
    assert 'type="date"' in field.widget.render("sent_on", dt.date(2026, 9, 4))
    assert 'value="2026-09-04"' in field.widget.render("sent_on", dt.date(2026, 9, 4))
