"""Customer services write each issue here: draft, then ready; the beat sends it on the
first working day of its month. A sent issue is kept as it went out."""

from django import forms
from django.contrib import admin

from centres.mailings.models import Mailing
from centres.mailings.services import first_working_day
from portal.admin_rules import Declared

Status = Mailing.Status


class MailingForm(forms.ModelForm):
    # "Sent" is the beat's to set, never a choice.
    status = forms.ChoiceField(choices=[(Status.DRAFT, "Draft"), (Status.READY, "Ready to send")])

    class Meta:
        model = Mailing
        fields = ["kind", "month", "title", "body", "status"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}


@admin.register(Mailing)
class MailingAdmin(Declared, admin.ModelAdmin):
    form = MailingForm
    list_display = ["title", "kind", "month_name", "status", "goes_out", "sent_at", "recipients"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "month"

    @admin.display(description="month", ordering="month")
    def month_name(self, issue):
        return f"{issue.month:%B %Y}"

    @admin.display(description="goes out")
    def goes_out(self, issue):
        return f"{first_working_day(issue.month):%a %-d %b %Y}"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return False
        return super().has_change_permission(request, obj)

    # A sent issue is the record of what every officer received, and the month's issue
    # carries its deadline: a draft is rewritten, never removed.
    may_delete = False
