"""Each answer about a permission is kept on the person's instance (as Django keeps the
permissions it reads), so a page that asks the same permission for every row goes through
the backends once; the answer still follows the flags Django checks before any backend."""

import pytest
from django.contrib.auth import models as auth_models
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from portal.accounts.models import User
from portal.accounts.roles import COMPLAINTS_INVESTIGATOR, RESULTS_TEAM
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

VIEW = "complaints.view_complaint"
DECIDE = "complaints.decide_escalation"


@pytest.fixture
def backend_asks(monkeypatch):
    asked = []
    ask = auth_models._user_has_perm

    def counted(user, perm, obj):
        asked.append(perm)
        return ask(user, perm, obj)

    monkeypatch.setattr(auth_models, "_user_has_perm", counted)
    return asked


def test_each_permission_goes_through_the_backends_once(backend_asks):
    staff = StaffFactory(roles=[COMPLAINTS_INVESTIGATOR])
    for _ in range(50):
        assert staff.has_perm(VIEW)
        assert not staff.has_perm(DECIDE)
    assert backend_asks == [VIEW, DECIDE]


def test_the_flags_django_checks_first_still_decide():
    staff = StaffFactory(roles=[])
    assert not staff.has_perm(VIEW)
    staff.is_superuser = True
    assert staff.has_perm(VIEW)
    staff.is_active = False
    assert not staff.has_perm(VIEW)
    staff.is_active = True
    staff.is_superuser = False
    assert not staff.has_perm(VIEW)


def test_dropping_djangos_caches_drops_the_answers(backend_asks):
    staff = StaffFactory(roles=[])
    assert not staff.has_perm(VIEW)
    staff.groups.add(Group.objects.get(name=COMPLAINTS_INVESTIGATOR))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        delattr(staff, cache)
    assert staff.has_perm(VIEW)
    assert backend_asks == [VIEW, VIEW]


def test_a_role_given_is_seen_by_the_next_request(backend_asks):
    staff = StaffFactory(roles=[])
    assert not staff.has_perm(VIEW)
    staff.groups.add(Group.objects.get(name=COMPLAINTS_INVESTIGATOR))
    assert User.objects.get(pk=staff.pk).has_perm(VIEW)  # each request loads the person
    assert backend_asks == [VIEW, VIEW]


def test_read_in_one_query_as_django_reads_them(django_assert_num_queries):
    staff = StaffFactory(roles=[COMPLAINTS_INVESTIGATOR, RESULTS_TEAM])
    staff.user_permissions.add(Permission.objects.get(codename="view_centre"))
    staff.user_permissions.add(Permission.objects.get(codename="view_complaint"))  # both ways
    django = ModelBackend()
    expected = (
        django.get_user_permissions(User.objects.get(pk=staff.pk)),
        django.get_group_permissions(User.objects.get(pk=staff.pk)),
        django.get_all_permissions(User.objects.get(pk=staff.pk)),
    )
    assert expected[0] == {"centres.view_centre", "complaints.view_complaint"}
    assert len(expected[1]) > 5
    fresh = User.objects.get(pk=staff.pk)
    with django_assert_num_queries(1):
        assert fresh.has_perm(VIEW)
        assert fresh.has_module_perms("results")
        assert fresh.get_all_permissions() == expected[2]
        assert (django.get_user_permissions(fresh), django.get_group_permissions(fresh)) == (
            expected[0],
            expected[1],
        )


def test_a_person_with_no_permission_has_none():
    person = StaffFactory(roles=[])
    assert person.get_all_permissions() == set()
    assert not person.has_module_perms("complaints")
