from django import forms

from entries.models import Series, Syllabus
from results.enquiries.models import Service
from results.models import GRADES

GRADE_CHOICES = [("", "Choose a grade")] + [(g, g) for g in GRADES]


class EnquiryForm(forms.Form):
    centre = forms.ModelChoiceField(queryset=None, empty_label=None, label="Centre")
    series = forms.ModelChoiceField(
        queryset=Series.objects.order_by("-results_release_at"),
        label="Exam series",
        error_messages={"required": "Choose the exam series."},
    )
    candidate_number = forms.RegexField(
        regex=r"^[0-9]{4}$",
        label="Candidate number",
        help_text="Four digits, e.g. 0001.",
        error_messages={
            "invalid": "A candidate number is four digits.",
            "required": "Give the candidate number.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    syllabus = forms.ModelChoiceField(
        queryset=Syllabus.objects.order_by("code"),
        label="Syllabus",
        error_messages={"required": "Choose the syllabus."},
    )
    service = forms.ChoiceField(
        label="Service",
        widget=forms.RadioSelect,
        choices=Service.choices,
        error_messages={"required": "Choose a service."},
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class OutcomeForm(forms.Form):
    grade = forms.ChoiceField(
        label="Grade after the enquiry",
        choices=GRADE_CHOICES,
        error_messages={"required": "Choose the grade."},
    )
    note = forms.CharField(
        label="What the centre is told",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GroundsForm(forms.Form):
    grounds = forms.CharField(
        label="Why the outcome is wrong",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the outcome is wrong."},
    )


class AppealDecisionForm(OutcomeForm):
    note = forms.CharField(
        label="The decision and its reasons",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the decision and its reasons."},
    )
