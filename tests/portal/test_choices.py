"""A drop-down list of a few rows (``portal.choices``) is Django's own ``<select>``: the same
elements and attributes, written without a template for every option, its rows read in one
plain query."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.choices import ChoiceOfFew, Dropdown
from portal.sla.models import ServiceLevel

CHOICES = [
    ("", "Any"),
    ("a", "A & <b>"),
    ("Group", [("g1", "One"), ("g2", 'Two "quoted"')]),
    ("z", "Zed"),
]


def _lines(html: str) -> list[str]:
    """The markup's lines, without the blank lines Django's templates leave."""
    return [line for line in html.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "value, attrs",
    [
        ("", {}),
        ("g2", {"id": "id_pick", "aria-describedby": "id_pick_helptext", "required": True}),
        ("a", {"id": "x", "disabled": True, "aria-invalid": "true", "hidden": False}),
    ],
)
def test_a_dropdown_writes_what_djangos_select_writes(value, attrs):
    theirs = forms.Select(choices=CHOICES, attrs={"class": "c"}).render("pick", value, attrs)
    ours = Dropdown(choices=CHOICES, attrs={"class": "c"}).render("pick", value, attrs)
    assert _lines(ours) == _lines(theirs)
    assert re.search(r"<option [^>]*selected", ours)


@pytest.mark.django_db
def test_the_choices_of_a_few_rows_are_read_in_one_query(charter):
    class Form(forms.Form):
        rule = ChoiceOfFew(ServiceLevel.objects.order_by("code"), to_field_name="code")

    with CaptureQueriesContext(connection) as queries:
        html = str(Form()["rule"])
    assert len(queries) == 1
    codes = re.findall(r'<option value="([^"]*)"', html)
    assert codes == ["", *ServiceLevel.objects.order_by("code").values_list("code", flat=True)]
