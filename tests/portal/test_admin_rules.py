"""What staff may do in the admin is declared (portal/admin_rules.py) and holds for everyone,
superusers too: records kept by their services are never typed in, changed or deleted there."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from portal.admin_rules import Declared, ReadOnly
from results.models import Result
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of_superuser():
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory(username="root", is_superuser=True)
    return request


def _declared_admins():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, Declared):
            yield model, model_admin


def test_every_refusal_declared_holds_for_a_superuser(request_of_superuser):
    admins = list(_declared_admins())
    assert len(admins) > 15
    for model, model_admin in admins:
        for move in ("add", "change", "delete"):
            allowed = getattr(model_admin, f"has_{move}_permission")(request_of_superuser)
            assert allowed == getattr(model_admin, f"may_{move}"), (model, move)


def test_results_are_read_in_the_admin_never_changed(request_of_superuser):
    results_admin = admin.site._registry[Result]

    assert isinstance(results_admin, ReadOnly)
    assert results_admin.has_view_permission(request_of_superuser)
    assert not results_admin.has_change_permission(request_of_superuser)
    assert not results_admin.has_delete_permission(request_of_superuser)
    assert not results_admin.has_add_permission(request_of_superuser)


def test_what_is_allowed_is_still_what_the_persons_permissions_allow():
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory(username="nobody", roles=[])
    for model, model_admin in _declared_admins():
        for move in ("add", "change", "delete"):
            assert not getattr(model_admin, f"has_{move}_permission")(request), (model, move)


def test_inlines_declare_too(request_of_superuser):
    for model_admin in admin.site._registry.values():
        for inline in model_admin.get_inline_instances(request_of_superuser):
            if isinstance(inline, Declared) and not inline.may_add:
                assert not inline.has_add_permission(request_of_superuser, None)


@pytest.mark.parametrize("name", ['Riverside <Academy> & "Sons"', "Ecole d'été", "Lahore"])
def test_a_rows_checkbox_is_written_as_djangos_own_widget_writes_it(name):
    from portal.admin_rules import RowCheckbox
    from portal.centres.models import Centre

    centre = Centre.objects.create(number="GB001", name=name, country="GB")
    centre_admin = admin.site._registry[Centre]

    assert isinstance(centre_admin, RowCheckbox)
    assert centre_admin.action_checkbox(centre) == admin.ModelAdmin.action_checkbox(
        centre_admin, centre
    )


def test_every_changelist_of_the_portal_writes_its_checkboxes_quickly():
    """Every list of the portal's own models (not those of Django's and other packages' own
    administration, which staff do not work in) writes its rows' checkboxes without a
    widget's templates: they were most of a 40-row list's time (measured)."""
    from portal.admin_rules import RowCheckbox

    own = ("portal.", "centres.", "entries.", "qa.", "complaints.", "results.")
    portal = [
        (model._meta.label, model_admin)
        for model, model_admin in admin.site._registry.items()
        # The site registers a subclass of each (its own defaults): the class as declared.
        if type(model_admin).__bases__[0].__module__.startswith(own)
    ]
    slow = [label for label, model_admin in portal if not isinstance(model_admin, RowCheckbox)]
    assert len(portal) > 40 and slow == []
