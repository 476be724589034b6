"""Every list of the API root, read by centre A's officer, holds nothing of centre B's."""

import pytest
from django.urls import resolve
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from centres.publications.models import Publication
from centres.registration.models import QualityStandard
from entries.models import Series
from tests.signing_in import api_as

# Lists of things every officer shares: nothing in them belongs to a centre.
SHARED_MODELS = {Series, QualityStandard, Publication}


def _list_urls() -> list[str]:
    from django.urls import get_resolver

    from portal.api.router import router

    get_resolver().resolve("/api/v1/")  # loading the URLs registers every app's viewsets
    return [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]


LIST_URLS = _list_urls()


def _model_and_lookup(url: str, user):
    """The model a list shows and the field its items are known by (its detail's lookup)."""
    match = resolve(url)
    view = match.func.cls(action="list", kwargs={}, format_kwarg=None)
    request = Request(APIRequestFactory().get(url))
    request.user = user
    view.request = request
    model = view.get_queryset().model
    lookup = getattr(view, "lookup_field", "pk")
    # Items carry their lookup under the URL's name for it (a token's public_id is its "id").
    shown_as = getattr(view, "lookup_url_kwarg", None) or lookup
    return model, ("id" if lookup == "pk" else lookup), ("id" if shown_as == "pk" else shown_as)


def _read_all(client, url: str) -> list[dict]:
    items, page = [], f"{url}?page_size=500"
    while page:
        response = client.get(page)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        body = response.json()
        if isinstance(body, list):
            return items + body
        items += body["results"]
        page = body.get("next")
    return items


def test_api_root_lists_every_registered_list(world, officer_a):
    response = officer_a.api.get("/api/v1/")

    assert sorted(response.json().values()) == sorted(
        f"http://testserver{url}" for url in LIST_URLS
    )


# Lists of a learner's own (results.learners): officers are refused them (403), and each is
# read by centre A's learner instead.
LEARNER_LISTS = {"/api/v1/learner/results/"}


@pytest.mark.parametrize("url", sorted(LEARNER_LISTS))
def test_a_learners_list_holds_only_their_own(url, world, officer_a):
    from results.models import Result

    learner = api_as(world.a.learner_account.user)
    shown = {item["id"] for item in _read_all(learner, url)}
    own = set(
        Result.objects.filter(
            centre=world.a.centre, candidate__uci=world.a.learner_account.uci
        ).values_list("pk", flat=True)
    )
    theirs = {o.pk for o in world.b.owned if isinstance(o, Result)}

    assert officer_a.api.get(url).status_code == 403
    assert own and shown == own
    assert shown & theirs == set()


@pytest.mark.parametrize("url", sorted(set(LIST_URLS) - LEARNER_LISTS))
def test_list_never_holds_another_centres_objects(url, world, officer_a):
    model, lookup, shown_as = _model_and_lookup(url, world.a.officer)
    theirs = {str(getattr(o, lookup)) for o in world.b.owned if isinstance(o, model)}
    ours = {str(getattr(o, lookup)) for o in world.a.owned if isinstance(o, model)}
    if model in SHARED_MODELS:
        # Nothing in it is a centre's: both officers read the same list.
        assert _read_all(officer_a.api, url) == _read_all(api_as(world.b.officer), url)
        return
    assert theirs and ours, (
        f"{url} lists {model._meta.verbose_name_plural}, of which the world has none for "
        f"one of the centres: add them to Side.owned in tests/isolation/world.py, or the "
        f"model to SHARED_MODELS if it belongs to no centre."
    )

    shown = {str(item[shown_as]) for item in _read_all(officer_a.api, url)}

    assert shown & theirs == set()
    assert ours <= shown
