"""One place that answers "which centres may this user see".

Every app filters its querysets through ``centres_visible_to`` (or the ``CentreScopedQuerySet``
mixin), so that an exams officer only ever reaches the data of their own centres and anything
else answers 404, exactly as if it did not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from portal.centres.models import Centre, Membership
from portal.workflow import centre_ids_of


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def active_staff(*, with_perm: str | None = None):
    """Everyone who may be given staff work: active awarding-body staff, and of those, with
    ``with_perm``, only the ones whose roles hold that permission ("app_label.codename")."""
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    if with_perm is None:
        return staff
    app_label, codename = with_perm.split(".", 1)
    holds = (
        models.Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        | models.Q(
            user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label,
        )
        | models.Q(is_superuser=True)
    )
    return staff.filter(pk__in=staff.filter(holds).values("pk"))


def staff_required(view):
    """A page for awarding-body staff: others signed in are refused (403), anyone signed
    out is sent to sign in. (Staff reach it only after two-factor sign-in: the
    StaffTwoFactorMiddleware sees to that for every page.)"""
    from django.contrib.auth.decorators import user_passes_test

    def check(user):
        if is_staff_user(user):
            return True
        if user.is_authenticated:
            raise PermissionDenied
        return False

    return user_passes_test(check)(view)


def centres_visible_to(user):
    """The centres this user may see: all for staff, their memberships for officers."""
    return Centre.objects.visible_to(user)


def centre_ids_visible_to(user):
    """A subquery of centre ids, for filtering large tables without a join to Centre."""
    return Membership.objects.filter(user=user).values("centre_id")


class CentreScopedQuerySet(models.QuerySet):
    """QuerySet mixin for anything that belongs to a centre through ``centre_field``."""

    centre_field = "centre"

    def visible_to(self, user, *, listed: bool = False, through: str | None = None):
        """``listed``: the user's centres written into the query as their ids, not as a
        subquery, so that the planner knows how many and can read a page of one centre in
        the order of an index that starts with the centre. ``through``: another path to the
        same centre (``candidate__centre`` for an entry), when the query is best read from
        that side's index."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_staff:
            return self
        centres = sorted(centre_ids_of(user)) if listed else centre_ids_visible_to(user)
        return self.filter(**{f"{through or self.centre_field}__in": centres})

    def get_visible_or_404(self, user, **lookup):
        try:
            return self.visible_to(user).get(**lookup)
        except self.model.DoesNotExist:
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.") from None
