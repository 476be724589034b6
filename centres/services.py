"""Centre accounts: who belongs to a centre, the invitations that bring people in, and the
centre's own details.

Every change is checked against who is asking (an officer of the centre, or staff whose
role changes centres), made under a lock on the centre, written to the audit trail and told
to the people concerned. Status changes of an invitation go through ``transition``.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import audit
from portal.calendar import local_time
from portal.centres.models import INVITE, Centre, Invitation, Membership
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Address, Officers, notify
from portal.notifications.texts import render_notice
from portal.workflow import centre_ids_of, forget_centre_ids, transition
from portal.zones import validate_time_zone

# Enough for a centre taking on its staff for a new year; a script sending thousands of
# invitations in a centre's name is stopped here.
MAX_PENDING_INVITATIONS = 50
NAME_MAX = 200


class InvitationUnusable(PortalError):
    """The invitation cannot be accepted any more: used, withdrawn or expired."""


class InvitationRefused(PortalError):
    """The invitation is fine but the person holding the link is not the one invited."""


def may_manage(centre: Centre, user) -> bool:
    """Whether ``user`` looks after ``centre``'s users and details: its own officers, and
    staff whose role changes centres."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return user.has_perm(INVITE)
    return centre.pk in centre_ids_of(user)


def _check_manager(centre: Centre, by) -> None:
    if not may_manage(centre, by):
        raise PermissionDenied("Only the centre's own officers can change its users and details.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip()
    if not email:
        raise PortalError("Enter an email address.", field=field)
    try:
        validate_email(email)
    except ValidationError:
        raise PortalError(
            "Enter an email address in the right format, like name@school.org.", field=field
        ) from None
    if len(email) > 254:
        raise PortalError("An email address is at most 254 characters.", field=field)
    return email


# Invitations ------------------------------------------------------------------------------


def invite_colleague(
    centre: Centre, *, by, email: str, role: str, at: dt.datetime | None = None
) -> tuple[Invitation, str]:
    """Invite ``email`` to join ``centre`` as ``role``; answer the invitation and its token
    (the token only travels in the email: the table keeps its hash).

    Steps: check who asks and what they typed; refuse an address that is already one of
    the centre's users; withdraw an earlier invitation to the same address (its link stops
    working: the new one replaces it); save the invitation with the hash of a new random
    token; record it; email the link to the address.
    """
    _check_manager(centre, by)
    at = at or timezone.now()
    email = _clean_email(email)
    if role not in Membership.Role.values:
        raise PortalError("Choose the role they will have.", field="role")
    with transaction.atomic():
        centre = Centre.objects.select_for_update().get(pk=centre.pk)
        if Membership.objects.filter(centre=centre, user__email__iexact=email).exists():
            raise PortalError(f"{email} is already one of the centre's users.", field="email")
        earlier = list(centre.invitations.pending(at).filter(email__iexact=email))
        for invitation in earlier:
            transition(invitation, "withdraw", by=by, summary="Replaced by a new invitation")
        if centre.invitations.pending(at).count() >= MAX_PENDING_INVITATIONS:
            raise PortalError(
                f"The centre has {MAX_PENDING_INVITATIONS} invitations waiting for an answer: "
                "withdraw some before sending more.",
                field="email",
            )
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            centre=centre,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=by if by.is_authenticated else None,
            created_at=at,
            expires_at=at + dt.timedelta(days=settings.CENTRE_INVITATION_DAYS),
        )
        audit.record(
            centre,
            "invitation.sent",
            by=by,
            at=at,
            summary=f"{email} invited as {invitation.get_role_display()}",
            data={"invitation": invitation.pk, "email": email, "role": role},
        )
        context = {
            "invitation": invitation,
            "inviter": by,
            "link": f"{settings.PORTAL_BASE_URL}{reverse('centres:invitation', args=[token])}",
            "expires": local_time(invitation.expires_at, centre.zone),
        }
        subject, body = render_notice("notices/centres/invitation.txt", **context)
        notify(
            key=f"invitation:{invitation.pk}",
            kind="invitation",
            to=[Address(email)],
            subject=subject,
            body=body,
            at=at,
        )
    return invitation, token


def withdraw_invitation(invitation: Invitation, *, by) -> Invitation:
    """Stop an invitation's link from working (a repeat changes nothing)."""
    invitation, _ = transition(invitation, "withdraw", by=by, summary=f"Withdrawn by {by}")
    return invitation


def invitation_for(token: str) -> Invitation | None:
    """The invitation a link's token opens, or None for a token that opens none."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("centre", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def check_usable(invitation: Invitation, *, now: dt.datetime | None = None) -> None:
    """Refuse, saying why, an invitation that was used, withdrawn or has expired."""
    who = f"one of the officers of {invitation.centre.number}"
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(
            f"This invitation has already been used. If you need access, ask {who} to send "
            "you a new one."
        )
    if invitation.status == Invitation.Status.WITHDRAWN:
        raise InvitationUnusable(
            f"This invitation was withdrawn by the centre. Ask {who} if you should have access."
        )
    if invitation.is_expired(now):
        expired = local_time(invitation.expires_at, invitation.centre.zone)
        raise InvitationUnusable(
            f"This invitation expired on {expired}. Ask {who} to send you a new one."
        )


def check_invitee(invitation: Invitation, user) -> None:
    """Refuse anyone but an account of the invited address."""
    if user.is_staff:
        raise InvitationRefused(
            "Awarding-body staff accounts do not join centres. Sign out, then open the link "
            "again to use or create the account of the address invited."
        )
    if (user.email or "").strip().lower() != invitation.email.lower():
        raise InvitationRefused(
            f"This invitation was sent to {invitation.email}, and you are signed in as "
            f"{user.username}, whose address is {user.email or 'not set'}. Sign out, then open "
            f"the link again to sign in or create an account with {invitation.email}."
        )


def accept_invitation(token: str, *, user, at: dt.datetime | None = None) -> Membership:
    """Join the invitation's centre as ``user``.

    Steps: find the invitation by the token's hash and lock it; a repeat by the person who
    accepted it answers their membership; refuse an invitation used, withdrawn or expired,
    and anyone but an account of the invited address; make the membership with the role the
    inviter chose (someone already a member keeps theirs); mark the invitation accepted;
    record it and tell the centre's officers.
    """
    at = at or timezone.now()
    with transaction.atomic():
        found = invitation_for(token)
        if found is None:
            raise InvitationUnusable(
                "This invitation link is not valid: check it was copied whole."
            )
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        centre = found.centre
        if invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_by_id == user.pk:
            return Membership.objects.get_or_create(
                user=user, centre=centre, defaults={"role": invitation.role}
            )[0]
        check_usable(invitation, now=at)
        check_invitee(invitation, user)
        membership, created = Membership.objects.get_or_create(
            user=user, centre=centre, defaults={"role": invitation.role}
        )
        forget_centre_ids(user)

        def accepted(locked):
            locked.accepted_by = user
            locked.answered_at = at
            return ["accepted_by", "answered_at"]

        transition(
            invitation,
            "accept",
            by=None,
            update=accepted,
            summary=f"Accepted by {user.username}",
            data={"user": user.username},
            at=at,
        )
        if created:
            audit.record(
                centre,
                "member.added",
                by=user,
                at=at,
                summary=f"{user.username} joined as {membership.get_role_display()}",
                data={"user": user.username, "role": membership.role, "invitation": invitation.pk},
            )
            subject, body = render_notice(
                "notices/centres/member-joined.txt", user=user, centre=centre, membership=membership
            )
            notify(
                key=f"invitation:{invitation.pk}:accepted",
                kind="centre",
                to=[Officers(centre)],
                subject=subject,
                body=body,
                url=reverse("centres:detail", args=[centre.number]),
                at=at,
            )
    return membership


def create_account_and_accept(
    token: str,
    *,
    username: str,
    first_name: str,
    last_name: str,
    password: str,
    at: dt.datetime | None = None,
):
    """A new person's account, made through their invitation, and their membership.

    Steps: check the invitation can be used; refuse when an account already has the
    invited address (its owner signs in instead); check the username is free and the
    password strong enough; make the account with the invited address; accept. All or
    nothing: a refused acceptance leaves no account behind.
    """
    user_model = get_user_model()
    with transaction.atomic():
        invitation = invitation_for(token)
        if invitation is None:
            raise InvitationUnusable(
                "This invitation link is not valid: check it was copied whole."
            )
        check_usable(invitation, now=at)
        if user_model.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationRefused(
                f"An account with {invitation.email} already exists: sign in with it to accept."
            )
        username = (username or "").strip()
        if not username:
            raise PortalError("Choose a username.", field="username")
        if len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_" for ch in username):
            raise PortalError(
                "A username is up to 150 letters, digits and @ . + - _ only.", field="username"
            )
        if user_model.objects.filter(username__iexact=username).exists():
            raise PortalError("That username is taken: choose another.", field="username")
        first_name = " ".join((first_name or "").split())
        last_name = " ".join((last_name or "").split())
        if not first_name:
            raise PortalError("Enter your first name.", field="first_name")
        if not last_name:
            raise PortalError("Enter your last name.", field="last_name")
        if len(first_name) > 150 or len(last_name) > 150:
            raise PortalError("A name is at most 150 characters.", field="last_name")
        user = user_model(
            username=username, email=invitation.email, first_name=first_name, last_name=last_name
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise PortalError(" ".join(error.messages), field="password") from None
        user.set_password(password)
        user.save()
        accept_invitation(token, user=user, at=at)
    return user


# Users ------------------------------------------------------------------------------------


def remove_member(membership: Membership, *, by, at: dt.datetime | None = None) -> None:
    """Take a person off a centre: they no longer see anything of it.

    Steps: check who asks; lock the centre, so that two officers removing each other at
    once cannot leave it with none; a membership already gone is a quiet repeat; refuse to
    remove the centre's last exams officer; delete the membership; record it; tell the
    person and the centre's officers.
    """
    centre = membership.centre
    _check_manager(centre, by)
    at = at or timezone.now()
    with transaction.atomic():
        Centre.objects.select_for_update().get(pk=centre.pk)
        current = Membership.objects.filter(pk=membership.pk).select_related("user").first()
        if current is None:
            return
        officers = Membership.objects.filter(
            centre=centre, role=Membership.Role.EXAMS_OFFICER, user__is_active=True
        )
        if (
            current.role == Membership.Role.EXAMS_OFFICER
            and not officers.exclude(pk=current.pk).exists()
        ):
            raise TransitionNotAllowed(
                f"{current.user} is the last exams officer of {centre.number}: invite another "
                "before removing them, so that someone can still act for the centre."
            )
        person = current.user
        current.delete()
        if by.pk == person.pk:
            forget_centre_ids(by)
        audit.record(
            centre,
            "member.removed",
            by=by,
            at=at,
            summary=f"{person.username} removed",
            data={"user": person.username, "role": current.role},
        )
        subject, body = render_notice(
            "notices/centres/member-removed.txt", by=by, person=person, centre=centre
        )
        notify(
            key=f"centre:{centre.pk}:removed:{current.pk}",
            kind="centre",
            to=[person, Officers(centre)],
            subject=subject,
            body=body,
            at=at,
        )


# Details ----------------------------------------------------------------------------------


def update_centre_details(
    centre: Centre, *, by, name: str, email: str, timezone_name: str
) -> Centre:
    """Change a centre's name, email address and time zone (nothing of any other centre).

    Steps: check who asks and what they typed; lock the centre; save what changed; record
    each change from and to.
    """
    _check_manager(centre, by)
    name = " ".join((name or "").split())
    if not name:
        raise PortalError("Enter the centre's name.", field="name")
    if len(name) > NAME_MAX:
        raise PortalError(f"A name is at most {NAME_MAX} characters.", field="name")
    email = _clean_email(email)
    try:
        validate_time_zone(timezone_name)
    except ValidationError:
        raise PortalError("Choose a time zone from the list.", field="timezone") from None
    with transaction.atomic():
        locked = Centre.objects.select_for_update().get(pk=centre.pk)
        wanted = {"name": name, "email": email, "timezone": timezone_name}
        changed = {f: (getattr(locked, f), v) for f, v in wanted.items() if getattr(locked, f) != v}
        if not changed:
            return locked
        for field, (_, value) in changed.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(changed))
        audit.record(
            locked,
            "details.changed",
            by=by,
            summary=f"Changed {', '.join(changed)}",
            data={f: {"from": old, "to": new} for f, (old, new) in changed.items()},
        )
    return locked
