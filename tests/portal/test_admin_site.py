"""The staff area's list of models is each person's own (their role's), and is built once for
each set of permissions rather than at every page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client

from portal.accounts.roles import COMPLAINTS_INVESTIGATOR, RESULTS_TEAM
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def _models_on_index(user) -> set[str]:
    response = sign_in(Client(), user).get("/admin/")
    assert response.status_code == 200
    return {model["object_name"] for app in response.context["app_list"] for model in app["models"]}


@pytest.fixture
def builds(monkeypatch):
    """How many times the list of models is built."""
    built = []
    build = admin.site._build_app_dict

    def counting(request, label=None):
        built.append(request.user.username)
        return build(request, label)

    monkeypatch.setattr(admin.site, "_build_app_dict", counting)
    admin.site.forget_app_lists()
    yield built
    admin.site.forget_app_lists()


def test_each_role_sees_its_own_models(builds):
    results = _models_on_index(StaffFactory(username="results", roles=[RESULTS_TEAM]))
    complaints = _models_on_index(
        StaffFactory(username="complaints", roles=[COMPLAINTS_INVESTIGATOR])
    )

    assert "Result" in results and "Result" not in complaints
    assert "Complaint" in complaints and "Complaint" not in results


def test_the_list_is_built_once_for_everyone_of_a_role(builds):
    first = StaffFactory(username="first", roles=[RESULTS_TEAM])
    second = StaffFactory(username="second", roles=[RESULTS_TEAM])

    assert _models_on_index(first) == _models_on_index(first) == _models_on_index(second)
    assert builds == ["first"]


def test_a_role_given_shows_its_models_at_the_next_page(builds):
    person = StaffFactory(username="moving", roles=[RESULTS_TEAM])
    assert "Complaint" not in _models_on_index(person)

    person.groups.add(Group.objects.get(name=COMPLAINTS_INVESTIGATOR))

    assert "Complaint" in _models_on_index(person)
    assert builds == ["moving", "moving"]
