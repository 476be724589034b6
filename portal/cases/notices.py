"""What a case tells people at each step, written as templates: one folder per case type.

A step's notice is ``templates/notices/<app label>/<model name>/<step>.txt`` (to the case's
centre, or to whoever asked) or ``<step>_team.txt`` (to a staff role). Its first line is the
subject, the rest the body; the subject gets the case's reference in front, and a body to
someone who can open the case's page ends with the link. Texts are marked for translation and
written in the portal's own language (``LANGUAGE_CODE``), whatever language the person whose
request made the step was reading in: a notice goes to several people.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from portal.notifications import Address, Officers, Role, notify
from portal.notifications.recipients import Recipient
from portal.notifications.texts import render_notice

# A case type that writes no notice of its own for "a new case has come in" gets this one.
NEW_CASE_FOR_TEAM = "notices/new_team.txt"


def notice_text(case: Any, step: str, *, team: bool = False, **context: object) -> tuple[str, str]:
    """The subject (without the reference) and body (without the link) of ``step`` of
    ``case``, from its template, with ``case`` and ``context`` to fill it."""
    meta = case._meta
    names = [f"notices/{meta.app_label}/{meta.model_name}/{step}{'_team' if team else ''}.txt"]
    if team and step == "new":
        names.append(NEW_CASE_FOR_TEAM)
    return render_notice(names, case=case, **context)


def link(case: Any) -> str:
    """The case page's full address, for an email."""
    return f"{settings.PORTAL_BASE_URL}{case.get_absolute_url()}"


def tell(
    case: Any,
    *,
    step: str,
    kind: str,
    to: Iterable[Recipient],
    notice: str = "",
    key: str = "",
    team: bool = False,
    with_link: bool | str = True,
    at: dt.datetime | None = None,
    context: Mapping[str, object] | None = None,
) -> None:
    """Send the notice of ``step`` of ``case`` to ``to``, in the inbox and by email, once
    per step and person: keyed ``key`` (by default ``<prefix>:<pk>:<step>``, ``:team``
    added for a staff role), dated ``at`` (the step's own time). ``with_link``: the body
    ends with the case page's address (a string puts it after those words), or with nothing
    for people who cannot open it (a learner with no account). ``notice`` names the
    template where one text serves steps of several names (``referred:<role>``)."""
    subject, body = notice_text(case, notice or step, team=team, **(context or {}))
    if with_link:
        lead = f"{with_link} " if isinstance(with_link, str) else ""
        body = f"{body}\n\n{lead}{link(case)}"
    prefix = case.REFERENCE_PREFIX.lower()
    notify(
        key=key or f"{prefix}:{case.pk}:{step}{':team' if team else ''}",
        kind=kind,
        to=list(to),
        subject=f"{case.reference}: {subject}",
        body=body,
        reference=case.reference,
        url=case.get_absolute_url() if with_link else "",
        at=at,
    )


def tell_centre(
    case: Any,
    *,
    step: str,
    kind: str,
    notice: str = "",
    at: dt.datetime | None = None,
    **context: object,
) -> None:
    """The notice of ``step`` to the case's centre's exams officers; or, for a case with no
    centre that came from an address (a query by email from someone who is no officer: its
    ``contact_email``), to that address, without the link to a page they cannot open; or,
    with neither, to no one."""
    to: list[Recipient] = [Officers(case.centre_id)]
    with_link = True
    if case.centre_id is None:
        email = getattr(case, "contact_email", "")
        if not email:
            return
        to, with_link = [Address(email, name=getattr(case, "contact_name", ""))], False
    tell(
        case,
        step=step,
        kind=kind,
        to=to,
        notice=notice,
        with_link=with_link,
        at=at,
        context=context,
    )


def tell_team(
    case: Any,
    role: str,
    *,
    step: str,
    notice: str = "",
    at: dt.datetime | None = None,
    **context: object,
) -> None:
    """The notice of ``step`` to the staff who hold ``role`` (``<step>_team.txt``)."""
    to = [Role(role)]
    tell(case, step=step, kind="received", to=to, team=True, notice=notice, at=at, context=context)
