"""The forms of the join journey and of the registration team's work on an application.
They check the shape of what is typed; the rules are in ``centres.registration.services``."""

from django import forms

from centres.registration.applications import (
    COMMENT_MAX,
    Judgement,
    VisitMode,
    countries,
    country_choices,
)
from centres.registration.models import Area
from portal.centres.programmes import Programme

YES_NO = [("yes", "Yes"), ("no", "No")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _zone_choices():
    groups = []
    for code, name in country_choices():
        zones = countries()[code][1]
        if len(zones) > 1:
            groups.append((name, [(z, z.replace("_", " ")) for z in zones]))
    return [("", "Its country has one time zone"), *groups]


class InterestForm(forms.Form):
    school_name = forms.CharField(label="School name", max_length=200)
    country = forms.ChoiceField(label="Country", choices=())
    timezone = forms.ChoiceField(
        label="Time zone",
        required=False,
        choices=(),
        help_text="Only for a country with several time zones: the one the school keeps.",
    )
    contact_name = forms.CharField(
        label="Your name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_role = forms.CharField(label="Your role at the school", max_length=200, required=False)
    contact_email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to confirm it; you sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label="Telephone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    teaches_online = forms.ChoiceField(
        label="Does the school teach online?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="An online school is assessed against every standard, including its "
        "online provision.",
    )
    programmes = forms.MultipleChoiceField(
        label="Programmes the school wants to offer",
        choices=Programme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        max_length=128,
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )
    password_again = forms.CharField(
        max_length=128,
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose a country"), *country_choices()]
        self.fields["timezone"].choices = _zone_choices()

    def clean(self):
        cleaned = super().clean()
        first, again = cleaned.get("password"), cleaned.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", "The two passwords are not the same.")
        return cleaned


class SchoolForm(forms.Form):
    address = forms.CharField(
        max_length=1000,
        label="The school's address",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    principal_name = forms.CharField(label="Principal's name", max_length=200, required=False)
    student_count = forms.IntegerField(
        label="Number of students", min_value=1, max_value=100_000, required=False
    )
    age_range = forms.RegexField(
        label="Ages of the students",
        regex=r"^[0-9]{1,2}\s*[-–]\s*[0-9]{1,2}$",
        max_length=20,
        required=False,
        help_text="For example 11–18.",
        error_messages={"invalid": "Give the youngest and oldest ages, e.g. 11–18."},
    )


class AssessmentForm(forms.Form):
    """The school's comment and evidence for each standard of one area."""

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assessments = list(assessments)
        for a in self.assessments:
            self.fields[f"comment_{a.code}"] = forms.CharField(
                label=f"{a.code}: how the school meets it",
                required=False,
                max_length=COMMENT_MAX,
                initial=a.comment,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"evidence_{a.code}"] = MultipleFileField(
                label=f"{a.code}: evidence",
                required=False,
                help_text="PDF, Word or images, up to 20 MB each. Files added before are kept.",
            )

    def rows(self):
        """Each standard with its two fields, for the template."""
        return [
            (a, self[f"comment_{a.code}"], self[f"evidence_{a.code}"]) for a in self.assessments
        ]

    def comments(self) -> dict:
        return {a.code: self.cleaned_data[f"comment_{a.code}"] for a in self.assessments}

    def evidence(self) -> dict:
        return {
            a.code: self.cleaned_data[f"evidence_{a.code}"]
            for a in self.assessments
            if self.cleaned_data.get(f"evidence_{a.code}")
        }


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm that what we have told you is true and complete, and that the "
        "school will pay the application fee.",
        error_messages={"required": "Confirm the application before submitting it."},
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="I want to withdraw the application. I understand that it ends here and "
        "cannot be taken up again.",
        error_messages={"required": "Confirm that you want to withdraw the application."},
    )


class ScheduleVisitForm(forms.Form):
    date = forms.DateField(
        label="Date of the visit", widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(label="How", choices=VisitMode.choices, widget=forms.RadioSelect)
    visitor = forms.ModelChoiceField(
        label="Visitor", queryset=None, required=False, help_text="You, if nobody is chosen."
    )

    def __init__(self, *args, **kwargs):
        from centres.registration.services import visitors

        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = visitors().order_by("username")


class JudgementForm(forms.Form):
    """A judgement for each standard of the round under judgement (met, or improvement
    needed with what to do), and a note for the school; used by judge, request-improvements
    and approve alike."""

    note = forms.CharField(
        label="A note for the school",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, round=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessments = list(round.assessments.all()) if round is not None else []
        for a in self.assessments:
            self.fields[f"judgement_{a.code}"] = forms.ChoiceField(
                label=f"{a.code}",
                choices=Judgement.choices,
                required=False,
                initial=a.judgement or None,
                widget=forms.RadioSelect,
            )
            self.fields[f"improvement_{a.code}"] = forms.CharField(
                label=f"{a.code}: what the school must do",
                required=False,
                max_length=COMMENT_MAX,
                initial=a.improvement,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [
            (a, self[f"judgement_{a.code}"], self[f"improvement_{a.code}"])
            for a in self.assessments
        ]

    def judgements(self) -> list[dict]:
        return [
            {
                "code": a.code,
                "judgement": self.cleaned_data[f"judgement_{a.code}"],
                "improvement": self.cleaned_data[f"improvement_{a.code}"],
            }
            for a in self.assessments
            if self.cleaned_data.get(f"judgement_{a.code}")
        ]


def area_label(area: int) -> str:
    return Area(area).label
