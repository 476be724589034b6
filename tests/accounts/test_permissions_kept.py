"""Each answer about a permission is kept on the person's instance (as Django keeps the
permissions it reads), so a page that asks the same permission for every row goes through
the backends once; the answer still follows the flags Django checks before any backend."""

import pytest
from django.contrib.auth import models as auth_models
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from portal.accounts import kept_permissions
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
    for kept in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        delattr(staff, kept)
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


# Between requests: kept in the cache (portal/accounts/kept_permissions.py) until any change
# of who has which permission.


def _next_request(staff) -> User:
    return User.objects.get(pk=staff.pk)  # each request loads the person afresh


def test_the_next_request_reads_them_from_the_cache(django_assert_num_queries):
    staff = StaffFactory(roles=[COMPLAINTS_INVESTIGATOR])
    assert _next_request(staff).has_perm(VIEW)
    expected = ModelBackend().get_all_permissions(_next_request(staff))
    person = _next_request(staff)
    with django_assert_num_queries(0):
        assert person.has_perm(VIEW)
        assert not person.has_perm(DECIDE)
        assert person.get_all_permissions() == expected


def _role_taken_away(staff):
    staff.groups.remove(Group.objects.get(name=COMPLAINTS_INVESTIGATOR))


def _role_left_from_its_side(staff):
    Group.objects.get(name=COMPLAINTS_INVESTIGATOR).user_set.remove(staff)


def _roles_cleared(staff):
    staff.groups.clear()


def _permission_taken_from_the_role(staff):
    role = Group.objects.get(name=COMPLAINTS_INVESTIGATOR)
    role.permissions.remove(Permission.objects.get(codename="view_complaint"))


def _role_deleted(staff):
    Group.objects.get(name=COMPLAINTS_INVESTIGATOR).delete()


def _permission_deleted(staff):
    Permission.objects.get(codename="view_complaint").delete()


@pytest.mark.parametrize(
    "change",
    [
        _role_taken_away,
        _role_left_from_its_side,
        _roles_cleared,
        _permission_taken_from_the_role,
        _role_deleted,
        _permission_deleted,
    ],
)
def test_a_permission_taken_away_is_gone_at_the_next_request(change):
    staff = StaffFactory(roles=[COMPLAINTS_INVESTIGATOR])
    assert _next_request(staff).has_perm(VIEW)
    assert _next_request(staff).has_perm(VIEW)  # kept by now
    change(staff)
    assert not _next_request(staff).has_perm(VIEW)


def test_a_permission_given_to_the_person_is_there_at_the_next_request():
    staff = StaffFactory(roles=[])
    assert not _next_request(staff).has_perm(DECIDE)
    staff.user_permissions.add(Permission.objects.get(codename="decide_escalation"))
    assert _next_request(staff).has_perm(DECIDE)


def test_what_was_kept_under_another_generation_is_not_used():
    staff = StaffFactory(roles=[])
    assert not _next_request(staff).has_perm(VIEW)
    kept_permissions.keep(staff.pk, "an earlier generation", {VIEW}, set())
    assert not _next_request(staff).has_perm(VIEW)
    # The generation itself lost (evicted, or Redis emptied): what is kept is not used, and
    # nothing is kept until there is a generation again.
    cache.delete(kept_permissions.GENERATION_KEY)
    kept_permissions.keep(staff.pk, "an earlier generation", {VIEW}, set())
    assert not _next_request(staff).has_perm(VIEW)
    assert cache.get(f"accounts:permissions:{staff.pk}")[0] == "an earlier generation"
    assert cache.get(kept_permissions.GENERATION_KEY) is not None
    assert not _next_request(staff).has_perm(VIEW)


def test_a_generation_the_cache_could_not_take_is_written_by_a_queued_task(monkeypatch):
    from portal.outbox.models import QueuedTask

    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is unreachable")

    before = cache.get(kept_permissions.GENERATION_KEY)
    # Redis (CI) writes it strictly; the tests' local cache by ``set_many``.
    for write in ("set_many_strictly", "set_many"):
        monkeypatch.setattr(cache, write, unreachable, raising=False)
    kept_permissions.forget_all()
    assert QueuedTask.objects.filter(task="accounts.forget_kept_permissions").exists()
    monkeypatch.undo()
    from portal.accounts.tasks import forget_kept_permissions

    forget_kept_permissions()
    assert cache.get(kept_permissions.GENERATION_KEY) not in (None, before)


def test_every_migrate_replaces_the_generation():
    from django.apps import apps

    from portal.accounts.roles import sync_roles_after_migrate

    before = cache.get(kept_permissions.GENERATION_KEY)
    sync_roles_after_migrate(list(apps.get_app_configs())[-1], using="default")
    assert cache.get(kept_permissions.GENERATION_KEY) not in (None, before)


def test_a_change_moves_the_generation_again_when_it_commits(
    django_capture_on_commit_callbacks,
):
    staff = StaffFactory(roles=[COMPLAINTS_INVESTIGATOR])
    with django_capture_on_commit_callbacks(execute=True):
        _role_taken_away(staff)
        during = cache.get(kept_permissions.GENERATION_KEY)
        # A request that read the permissions before the change committed keeps them under
        # this generation...
        kept_permissions.keep(staff.pk, during, {VIEW}, set())
    # ... which the commit has left behind.
    assert cache.get(kept_permissions.GENERATION_KEY) != during
    assert not _next_request(staff).has_perm(VIEW)
