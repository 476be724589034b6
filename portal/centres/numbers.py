"""Centre numbers: the two capital letters of the centre's country and three digits, e.g.
``GB001``. The same five characters open every candidate's UCI, so the format is fixed.

Numbers are given on approval by ``allocate_centre_number(country)``: the next free number of
that country, counted on a per-country row locked for the transaction, so that concurrent
approvals queue for it and never share a number. A number is never given twice, even when
its centre later closes. The format is checked by ``validate_centre_number`` wherever a
number is typed (forms, serializers, the staff area, API filters); the database holds no
check constraint for it, because SQLite (the embedded default) has no regular expressions
of its own and the unique index already guards what matters most.
"""

from django.db import transaction

from portal.centres.models import Centre, CentreNumberCounter
from portal.centres.number_format import (
    CENTRE_NUMBER,
    CENTRE_NUMBER_MESSAGE,
    COUNTRY_CODE,
    LAST_NUMBER,
    validate_centre_number,
)
from portal.errors import PortalError


class NoNumbersLeft(PortalError):
    """Every number of a country is taken."""


def allocate_centre_number(country: str) -> str:
    """The next free centre number of ``country`` (e.g. ``GB002`` after ``GB001``).

    Steps, in the caller's transaction: make sure the country's counter row exists (a
    conflict-ignoring insert, so two first approvals do not collide), starting after the
    highest number its centres already carry; lock it; step past any number already taken
    (a centre typed in by hand); save the counter. Raises ``NoNumbersLeft`` past 999.
    """
    if not COUNTRY_CODE.match(country or ""):
        raise ValueError(f"A country is two capital letters, not {country!r}.")
    with transaction.atomic():
        if not CentreNumberCounter.objects.filter(country=country).exists():
            CentreNumberCounter.objects.bulk_create(
                [CentreNumberCounter(country=country, last=_highest_in_use(country))],
                ignore_conflicts=True,
            )
        counter = CentreNumberCounter.objects.select_for_update().get(country=country)
        taken = set(
            Centre.objects.filter(number__startswith=country).values_list("number", flat=True)
        )
        number = counter.last + 1
        while f"{country}{number:03d}" in taken:
            number += 1
        if number > LAST_NUMBER:
            raise NoNumbersLeft(
                f"Every centre number of {country} is taken: ask a developer to extend the "
                "numbering before approving another centre there."
            )
        counter.last = number
        counter.save(update_fields=["last"])
    return f"{country}{number:03d}"


def _highest_in_use(country: str) -> int:
    numbers = Centre.objects.filter(number__regex=rf"^{country}[0-9]{{3}}$").values_list(
        "number", flat=True
    )
    return max((int(n[2:]) for n in numbers), default=0)


__all__ = [
    "CENTRE_NUMBER",
    "CENTRE_NUMBER_MESSAGE",
    "NoNumbersLeft",
    "allocate_centre_number",
    "validate_centre_number",
]
