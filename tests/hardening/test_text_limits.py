"""Every text a person types has a limit people would expect, with a clear error: a 9 MB
complaint is refused, not stored."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps

from complaints.models import TEXT_MAX, Complaint
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

OURS = ("portal", "centres", "entries", "qa", "complaints", "results")
# Fields no person fills in: a spam trap, left empty by people and filled by robots.
NOT_TYPED = {"website"}


def our_forms():
    for config in apps.get_app_configs():
        if not config.name.startswith(OURS):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in vars(module).items():
            if (
                inspect.isclass(form)
                and issubclass(form, forms.BaseForm)
                and form.__module__ == module.__name__
            ):
                yield f"{module.__name__}.{name}", form


def test_every_text_field_of_every_form_has_a_limit():
    unbounded = [
        f"{name}.{field_name}"
        for name, form in our_forms()
        for field_name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.RegexField)
        and field.max_length is None
        and field_name not in NOT_TYPED
    ]
    assert unbounded == []


def test_a_nine_megabyte_complaint_is_refused_by_the_api_and_nothing_is_kept(officer_api):
    response = officer_api.post(
        "/api/v1/complaints/",
        {
            "category": "service",
            "subject": "Too long",
            "description": "x" * (9 * 1024 * 1024),
        },
        format="json",
    )
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert "description" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_a_description_over_the_limit_is_refused_on_the_page_saying_so(client, officer_gb):
    sign_in(client, officer_gb)
    response = client.post(
        "/complaints/new/",
        {
            "category": "service",
            "subject": "Too long",
            "description": "x" * (TEXT_MAX + 1),
        },
    )
    assert response.status_code in (200, 400)  # the form again, with the error
    assert f"at most {TEXT_MAX:,}".replace(",", "") in response.content.decode().replace(",", "")
    assert not Complaint.objects.exists()


def test_a_description_over_the_limit_is_refused_by_the_api_naming_it(officer_api):
    response = officer_api.post(
        "/api/v1/complaints/",
        {"category": "service", "subject": "Too long", "description": "x" * (TEXT_MAX + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert "description" in response.json()["errors"]
