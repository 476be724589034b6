from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import FormView, ListView

from portal.calendar import local_time
from portal.http import safe_next
from portal.notifications import services
from portal.notifications.forms import PreferencesForm
from portal.notifications.kinds import kind_choices, kind_label
from portal.notifications.models import Notification
from portal.notifications.unsubscribe import read_token
from portal.sla.models import ServiceLevel
from portal.sla.names import deadline_name
from portal.zones import viewer_zone


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        zone = viewer_zone(self.request.user)
        notices = context["notifications"]
        # The deadline a notice is about, by the name people read (one query a page).
        codes = {notice.code for notice in notices if notice.code}
        rules = ServiceLevel.objects.filter(code__in=codes).order_by("code", "-active")
        names = {}
        for rule in rules:
            names.setdefault(rule.code, deadline_name(rule))
        for notification in notices:
            notification.when = local_time(notification.created_at, zone)
            notification.deadline = names.get(notification.code, "")
        return context | {"zone": zone}


def _back(request):
    # Back to the page of the list the person was on.
    list_url = reverse("notifications:list")
    return redirect(safe_next(request, request.POST.get("next"), list_url))


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


class PreferencesView(LoginRequiredMixin, FormView):
    """Which kinds of notice also come by email; the inbox always has them all."""

    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_initial(self):
        return {"email_kinds": services.emailed_kinds(self.request.user)}

    def form_valid(self, form):
        services.set_emailed_kinds(self.request.user, kinds=form.cleaned_data["email_kinds"])
        messages.success(self.request, "Your email choices are saved.")
        return redirect("notifications:preferences")


# The token is the credential, and a mail program's one-click POST (RFC 8058) carries no
# CSRF token of ours: the POST only stops an email, which the person may undo at any time.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm (a link scanner changes nothing); POST stops that kind of email."""
    try:
        user_id, kind = read_token(token)
    except signing.BadSignature:
        raise Http404("No such link.") from None
    person = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if kind not in dict(kind_choices()):
        raise Http404("No such kind of email.")
    context = {"kind_label": kind_label(kind), "email": person.email}
    if request.method == "POST":
        services.stop_emailing(person, kind=kind)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
