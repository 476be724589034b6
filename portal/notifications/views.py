import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from portal.calendar import LONDON, local_time
from portal.notifications import services
from portal.notifications.models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        zone = reader_zone(self.request.user)
        for notification in context["notifications"]:
            notification.when = local_time(notification.created_at, zone)
        return context | {"zone": zone}


def reader_zone(user) -> zoneinfo.ZoneInfo:
    """The zone a person reads times in: their own choice, else their first centre's."""
    if user.time_zone:
        try:
            return zoneinfo.ZoneInfo(user.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass  # A zone name that is no longer valid: fall back to the centre's.
    first = (
        user.memberships.order_by("centre__number")
        .values_list("centre__timezone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(first) if first else LONDON


def _back(request):
    # Back to the page of the list the person was on, never to another site.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(notification, by=request.user)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(request.user)
    if marked:
        messages.success(request, f"{marked} notice{'s' if marked != 1 else ''} marked as read.")
    return _back(request)
