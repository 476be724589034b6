from django import forms

from entries.arrangements.models import SELF_GRANTED, Arrangement, Category
from entries.arrangements.policies import EVIDENCE
from entries.arrangements.services import GROUNDS
from entries.models import Series, Syllabus
from portal.cases.forms import CaseOpenForm
from portal.uploads.forms import FilesField

CANDIDATE_NUMBER = forms.RegexField(
    regex=r"^[0-9]{4}$",
    label="Candidate number",
    help_text="Four digits, e.g. 0001: the candidate's number at your centre in this series.",
    error_messages={
        "invalid": "A candidate number is four digits.",
        "required": "Give the candidate number.",
    },
    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
)


def _arrangement_choices():
    granted = [
        (a.value, f"{a.label} (your centre grants this itself)")
        for a in Arrangement
        if a in SELF_GRANTED
    ]
    approval = [
        (a.value, f"{a.label} (needs our approval)") for a in Arrangement if a not in SELF_GRANTED
    ]
    return granted + approval


class _ApplicationForm(CaseOpenForm):
    series = forms.ModelChoiceField(
        queryset=Series.objects.order_by("-results_release_at"),
        label="Exam series",
        error_messages={"required": "Choose the exam series."},
    )
    candidate_number = CANDIDATE_NUMBER


class AccessArrangementForm(_ApplicationForm):
    arrangement = forms.ChoiceField(
        label="Arrangement",
        widget=forms.RadioSelect,
        choices=_arrangement_choices,
        error_messages={"required": "Choose an arrangement."},
    )
    reason = forms.CharField(
        label="Why the candidate needs it",
        help_text="The candidate's needs and the evidence your centre holds.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Say why the candidate needs it."},
    )
    evidence = FilesField(
        policy=EVIDENCE,
        label="Evidence (optional)",
        help_text=f"The assessor's report or a supporting letter. {EVIDENCE.describe()}.",
    )


class SpecialConsiderationForm(_ApplicationForm):
    syllabus = forms.ModelChoiceField(
        queryset=Syllabus.objects.order_by("code"),
        label="Syllabus",
        error_messages={"required": "Choose the syllabus."},
    )
    category = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=Category.choices,
        initial=Category.PRESENT_DISADVANTAGED,
        error_messages={"required": "Choose what happened."},
    )
    half_completed = forms.BooleanField(
        required=False,
        label="The candidate completed at least half of the assessment",
        help_text="Needed for an absence: without it, an absent candidate cannot be considered.",
    )
    reason = forms.CharField(
        label="What happened, when, and how it affected the candidate",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Say what happened to the candidate."},
    )
    evidence = FilesField(
        policy=EVIDENCE,
        label="Evidence (optional)",
        help_text=f"A supporting letter or report. {EVIDENCE.describe()}.",
    )


class GroundsForm(forms.Form):
    grounds = GROUNDS.form_field()
