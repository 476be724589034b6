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


def _sidebar(html: str) -> str:
    start = html.index('<button class="sticky toggle-nav-sidebar"')
    return html[start : html.index("</nav>", start) + len("</nav>")]


def _as_django_draws_it(response) -> str:
    """The sidebar from Django's own template, as every page drew it before it was kept."""
    import django
    from django.template import Context, Template

    path = f"{django.__path__[0]}/contrib/admin/templates/admin/nav_sidebar.html"
    with open(path) as source:
        drawn = Template(source.read()).render(
            Context({"available_apps": response.context["available_apps"],
                     "request": response.wsgi_request})
        )  # fmt: skip
    return _sidebar(drawn)


def test_the_sidebar_is_drawn_once_and_as_django_draws_it(builds):
    person = StaffFactory(username="results", roles=[RESULTS_TEAM])
    client = sign_in(Client(), person)
    first = client.get("/admin/results/result/")
    again = client.get("/admin/results/result/")
    other = client.get("/admin/results/releasedate/")

    assert _sidebar(first.content.decode()) == _as_django_draws_it(first)
    assert _sidebar(again.content.decode()) == _as_django_draws_it(again)
    # Each page marks its own model as the one open.
    assert _sidebar(other.content.decode()) == _as_django_draws_it(other)
    assert 'href="/admin/results/releasedate/" aria-current="page"' in other.content.decode()
    assert 'href="/admin/results/result/" aria-current="page"' in first.content.decode()
    assert len(admin.site._sidebars) == 2


def test_the_sidebar_kept_is_each_roles_own(builds):
    results = sign_in(Client(), StaffFactory(username="results", roles=[RESULTS_TEAM]))
    complaints = sign_in(
        Client(), StaffFactory(username="complaints", roles=[COMPLAINTS_INVESTIGATOR])
    )
    theirs = _sidebar(results.get("/admin/results/result/").content.decode())
    others = _sidebar(complaints.get("/admin/complaints/complaint/").content.decode())
    assert "/admin/results/result/" in theirs and "/admin/complaints/" not in theirs
    assert "/admin/complaints/complaint/" in others and "/admin/results/" not in others


def test_every_model_page_is_found_at_its_own_address():
    """The staff area finds a model's pages by the first part of the address
    (``ByFirstPart``): each of every model's pages resolves to that page, as Django's own
    walk through the models would, and anything else to what follows the models."""
    from django.urls import resolve, reverse

    from portal.addresses import ByFirstPart

    assert any(isinstance(u, ByFirstPart) for u in admin.site.get_urls())
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for page, args in (("changelist", ()), ("add", ()), ("change", ("1",))):
            name = f"admin:{label}_{page}"
            found = resolve(reverse(name, args=args))
            assert (found.namespace, found.url_name) == ("admin", f"{label}_{page}")
            assert found.route.startswith(f"admin/{model._meta.app_label}/")
        found = resolve(reverse(f"admin:{label}_delete", args=["7"]))
        assert found.kwargs == {"object_id": "7"}
    assert resolve("/admin/sla/").url_name == "app_list"
    assert resolve("/admin/sla/nothing/").func.__name__ == "catch_all_view"
    assert resolve("/admin/").url_name == "index"
    assert resolve("/admin/service-levels/").url_name == "dashboard"
