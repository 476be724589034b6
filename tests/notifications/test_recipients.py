import pytest
from django.contrib.auth.models import Group

from portal.accounts import roles
from portal.notifications import Address, Officers, Role
from portal.notifications.recipients import Person, resolve, resolve_many
from tests.factories import MembershipFactory, OfficerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_in(role: str, username: str, **kwargs):
    user = StaffFactory(username=username, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def test_role_reaches_its_active_staff_only():
    investigator = staff_in(roles.COMPLAINTS_INVESTIGATOR, "ci")
    staff_in(roles.COMPLAINTS_INVESTIGATOR, "gone", is_active=False)
    staff_in(roles.DIRECTOR, "director")
    not_staff = UserFactory(username="not-staff")
    not_staff.groups.add(Group.objects.get(name=roles.COMPLAINTS_INVESTIGATOR))

    resolved = resolve([Role(roles.COMPLAINTS_INVESTIGATOR)])

    assert resolved.people == [Person(investigator.pk, investigator.email)]
    assert resolved.addresses == []


def test_officers_reach_the_active_members_of_that_centre_only(
    centre_gb, centre_pk, officer_gb, officer_pk
):
    head = OfficerFactory(username="head", membership__centre=centre_gb)
    OfficerFactory(username="left", membership__centre=centre_gb, is_active=False)

    resolved = resolve([Officers(centre_gb)])

    assert [person.id for person in resolved.people] == [officer_gb.pk, head.pk]
    assert resolve([Officers(centre_pk.pk)]).people == [Person(officer_pk.pk, officer_pk.email)]


def test_person_reached_twice_counts_once(centre_gb, officer_gb):
    staff = staff_in(roles.CUSTOMER_SERVICES, "cs")
    MembershipFactory(user=staff, centre=centre_gb)

    resolved = resolve([staff, Role(roles.CUSTOMER_SERVICES), Officers(centre_gb), officer_gb])

    assert [person.id for person in resolved.people] == [officer_gb.pk, staff.pk]


def test_address_of_someone_with_an_account_is_that_person(officer_gb):
    resolved = resolve(
        [
            officer_gb,
            Address(officer_gb.email.upper()),
            Address("parent@example.org", name="A. Parent"),
            Address("Parent@example.org"),
        ]
    )

    assert [person.id for person in resolved.people] == [officer_gb.pk]
    assert resolved.addresses == [Address("parent@example.org", name="A. Parent")]


def test_inactive_user_named_directly_is_not_reached():
    gone = UserFactory(username="gone", is_active=False)
    assert resolve([gone]).people == []


def test_resolve_many_keeps_each_list_apart(centre_gb, centre_pk, officer_gb, officer_pk):
    first, second, empty = resolve_many([[Officers(centre_gb)], [Officers(centre_pk)], []])
    assert [p.id for p in first.people] == [officer_gb.pk]
    assert [p.id for p in second.people] == [officer_pk.pk]
    assert (empty.people, empty.addresses) == ([], [])


def test_resolve_many_takes_three_queries_whatever_the_number(
    centre_gb, centre_pk, officer_gb, django_assert_num_queries
):
    staff_in(roles.DIRECTOR, "director")
    lists = [[Officers(centre_gb), Role(roles.DIRECTOR), officer_gb]] * 50 + [
        [Officers(centre_pk)]
    ] * 50
    with django_assert_num_queries(3):
        resolve_many(lists)


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@example.org", None])
def test_address_refuses_what_is_not_an_email(email):
    with pytest.raises(ValueError, match="Not an email address"):
        Address(email)


def test_address_keeps_its_name_on_one_line():
    assert Address(" parent@example.org ", name="A.\r\nParent") == Address(
        "parent@example.org", name="A. Parent"
    )


def test_role_needs_a_name():
    with pytest.raises(ValueError):
        Role("")


def test_single_recipient_not_in_a_list_is_refused(officer_gb):
    with pytest.raises(TypeError, match="list of recipients"):
        resolve(officer_gb)


def test_unknown_recipient_is_refused():
    with pytest.raises(TypeError, match="Not a recipient"):
        resolve(["someone@example.org"])
