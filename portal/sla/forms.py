import datetime as dt
import re

from django import forms

from portal.calendar import add_months, london_date
from portal.centres.models import Centre
from portal.choices import ChoiceOfFew
from portal.sla.dashboard import MAX_MONTHS, Filters
from portal.sla.models import Clock, ServiceLevel
from portal.sla.names import deadline_name, deadline_promise

# The series model is whatever clocks refer to: the shared layer names no app.
Series = Clock._meta.get_field("series").related_model

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_HELP = "A month as YYYY-MM, e.g. 2026-11."


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY-MM"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)  # YYYY-MM: the browser's limit on the box
        super().__init__(**kwargs)
        # The value cleaned is a date; the length is checked on the text, in to_python.
        self.validators = []

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = MONTH.match(value) if len(value) <= (self.max_length or 7) else None
        # The portal's records start after 2000; past 2100 date arithmetic would overflow.
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(
                f"{self.label} must be a month written as YYYY-MM; {value!r} is not."
            )
        if not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(f"{self.label} must be between 2000 and 2100.")
        return dt.date(int(match[1]), int(match[2]), 1)


def by_key(
    queryset, key: str, *, missing: str, kind=forms.ModelChoiceField, **options
) -> forms.ModelChoiceField:
    """An optional choice of one row by its natural key (a code, a centre number); ``kind``
    ``ChoiceOfFew`` for a table of a few rows offered as a list."""
    return kind(
        queryset,
        to_field_name=key,
        required=False,
        error_messages={"invalid_choice": missing},
        **options,
    )


class ServiceLevelField(ChoiceOfFew):
    # People choose a rule by what it is and promises; its code is only the value sent.
    def label_from_instance(self, rule):
        return f"{deadline_name(rule)} ({deadline_promise(rule)})"


class DashboardFilterForm(forms.Form):
    """The dashboard's GET filters. Empty means everything, over the last twelve months."""

    service_level = ServiceLevelField(
        ServiceLevel.objects.order_by("name", "code"),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "Choose a service level from the list."},
        empty_label="All service levels",
    )
    series = by_key(
        Series.objects.order_by("-results_release_at"),
        "code",
        kind=ChoiceOfFew,
        missing="No series has that code.",
        empty_label="All series",
    )
    centre = by_key(
        Centre.objects.all(),
        "number",
        missing="No centre has that number.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. GB001", "autocapitalize": "characters"}),
        help_text="A centre number; leave empty for every centre.",
    )
    start = MonthField(label="From month", required=False, help_text=MONTH_HELP)
    end = MonthField(label="To month", required=False, help_text=MONTH_HELP)

    def __init__(self, data=None, *, now: dt.datetime):
        super().__init__(data)
        self.this_month = london_date(now).replace(day=1)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("end") or self.this_month
        start = cleaned.get("start") or add_months(end, -11)
        # A wrong range is told at the first month, so that the summary links to a field and
        # the message stands beside what to change.
        if start > end:
            then = "" if cleaned.get("end") else ", which is this month when left empty"
            self.add_error("start", f"From month must not come after To month{then}.")
        elif add_months(start, MAX_MONTHS) <= end:
            self.add_error("start", f"Choose at most {MAX_MONTHS} months at a time.")
        else:
            cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            first_month=data["start"],
            last_month=data["end"],
            series_id=data["series"].pk if data.get("series") else None,
            centre_id=data["centre"].pk if data.get("centre") else None,
            code=data["service_level"].code if data.get("service_level") else None,
        )
