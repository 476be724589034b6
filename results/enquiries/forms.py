from django import forms

from entries.models import Series, Syllabus
from portal.cases.forms import CaseOpenForm
from results.enquiries.models import Service


class EnquiryForm(CaseOpenForm):
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
