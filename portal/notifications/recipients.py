"""Whom a notice goes to: a user, everyone in a staff role, a centre's officers, or the
email address of someone without an account.

``resolve_many`` turns the recipients of any number of notices into people with an account
and bare addresses, in at most three queries. A person reached twice (named, and in a role)
counts once; an address that belongs to one of those people is that person, not a second
recipient. Only active accounts are reached.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.centres.models import Centre, Membership


@dataclass(frozen=True)
class Role:
    """The active staff in the role group ``name`` (see ``portal.accounts.roles``)."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("A role recipient needs the role's name.")


@dataclass(frozen=True)
class Officers:
    """The active members of a centre: its exams officers and head of centre."""

    centre: Centre | int

    @property
    def centre_id(self) -> int:
        return self.centre.pk if isinstance(self.centre, Centre) else int(self.centre)


@dataclass(frozen=True)
class Address:
    """Someone without an account (a learner or parent who used the public form), reached
    by email only: no inbox, no preferences."""

    email: str
    name: str = ""

    def __post_init__(self) -> None:
        email = (self.email or "").strip() if isinstance(self.email, str) else ""
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(f"Not an email address: {self.email!r}") from None
        name = " ".join((self.name or "").split())
        if len(email) > 254 or len(name) > 200:
            raise ValueError("An address is at most 254 characters and a name 200.")
        object.__setattr__(self, "email", email)
        object.__setattr__(self, "name", name)


Recipient = AbstractBaseUser | Role | Officers | Address


class Person(NamedTuple):
    """A person with an account, as much of them as delivery needs."""

    id: int
    email: str


@dataclass
class Resolved:
    people: list[Person]
    addresses: list[Address]


def resolve(to: Iterable[Recipient]) -> Resolved:
    return resolve_many([to])[0]


def resolve_many(lists: list[Iterable[Recipient]]) -> list[Resolved]:
    """The people and bare addresses each list of recipients names, in the same order."""
    wanted = [_sort(to) for to in lists]
    user_ids = {pk for named, *_ in wanted for pk in named}
    roles = {name for _, names, *_ in wanted for name in names}
    centres = {pk for _, _, centre_ids, _ in wanted for pk in centre_ids}
    active = get_user_model().objects.filter(is_active=True)
    by_id = {
        pk: Person(pk, email)
        for pk, email in active.filter(pk__in=user_ids).values_list("pk", "email")
    }
    in_role: dict[str, list[Person]] = {}
    if roles:
        rows = active.filter(is_staff=True, groups__name__in=roles).values_list(
            "pk", "email", "groups__name"
        )
        for pk, email, role in rows:
            in_role.setdefault(role, []).append(Person(pk, email))
    at_centre: dict[int, list[Person]] = {}
    if centres:
        members = Membership.objects.filter(
            centre_id__in=centres, user__is_active=True
        ).values_list("centre_id", "user_id", "user__email")
        for centre_id, pk, email in members:
            at_centre.setdefault(centre_id, []).append(Person(pk, email))
    resolved = []
    for named, role_names, centre_ids, addresses in wanted:
        people = {pk: by_id[pk] for pk in named if pk in by_id}
        for group in [*(in_role.get(n, []) for n in role_names),
                      *(at_centre.get(c, []) for c in centre_ids)]:  # fmt: skip
            for person in group:
                people.setdefault(person.id, person)
        emails = {person.email.lower() for person in people.values() if person.email}
        bare: dict[str, Address] = {}
        for address in addresses:
            if address.email.lower() not in emails:
                bare.setdefault(address.email.lower(), address)
        resolved.append(Resolved(sorted(people.values()), list(bare.values())))
    return resolved


def _sort(to) -> tuple[set[int], set[str], set[int], list[Address]]:
    if isinstance(to, (str, bytes, Role, Officers, Address, AbstractBaseUser)):
        # One recipient where a list belongs would otherwise be taken letter by letter.
        raise TypeError("'to' is a list of recipients: pass [recipient].")
    named, roles, centres, addresses = set(), set(), set(), []
    for recipient in to:
        if isinstance(recipient, AbstractBaseUser):
            named.add(recipient.pk)
        elif isinstance(recipient, Role):
            roles.add(recipient.name)
        elif isinstance(recipient, Officers):
            centres.add(recipient.centre_id)
        elif isinstance(recipient, Address):
            addresses.append(recipient)
        else:
            raise TypeError(f"Not a recipient: {recipient!r} (a User, Role, Officers or Address).")
    return named, roles, centres, addresses
