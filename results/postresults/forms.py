from django import forms

from entries.models import Series
from portal.cases.forms import CaseOpenForm
from results.postresults.models import Service


class ServiceRequestForm(CaseOpenForm):
    service = forms.ChoiceField(
        label="What do you need?",
        choices=[
            (Service.PAPER_COPIES, "Paper copies of a candidate's results"),
            (Service.REPLACEMENT_CERTIFICATE, "A replacement certificate"),
            (
                Service.RESULTS_TO_INSTITUTION,
                "A candidate's results sent to a university or employer on results day",
            ),
        ],
        widget=forms.RadioSelect,
    )
    series = forms.ModelChoiceField(
        queryset=Series.objects.order_by("-results_release_at"), empty_label=None
    )
    candidate_number = forms.CharField(
        label="Candidate number", max_length=4, help_text="Four digits, e.g. 0001."
    )
    recipient_name = forms.CharField(
        label="University or employer",
        max_length=200,
        required=False,
        help_text="Only for results sent to a university or employer.",
    )
    recipient_email = forms.EmailField(
        label="Their email address",
        max_length=254,
        required=False,
        help_text="The results go here at the release instant, or at once if they are out.",
    )
    details = forms.CharField(
        label="Anything we should know",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="For a replacement certificate, why it is needed.",
    )


class CertifyingStatementForm(forms.Form):
    """A learner's application for a certifying statement, without an account."""

    name = forms.CharField(label="Your full name", max_length=200, help_text="As on your results.")
    date_of_birth = forms.DateField(
        label="Your date of birth",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2008-03-27.",
    )
    email = forms.EmailField(
        label="Your email address", max_length=254, help_text="We confirm your application here."
    )
    series = forms.ModelChoiceField(
        label="Exam series",
        queryset=Series.objects.order_by("-results_release_at"),
        empty_label=None,
    )
    uci = forms.CharField(
        label="Unique candidate identifier (UCI)",
        max_length=13,
        required=False,
        help_text="Up to 13 letters and digits, on your statement of results. Or give the two "
        "numbers below.",
    )
    centre_number = forms.CharField(
        label="Centre number", max_length=5, required=False, help_text="For example GB001."
    )
    candidate_number = forms.CharField(
        label="Candidate number", max_length=4, required=False, help_text="Four digits."
    )
    delivery_address = forms.CharField(
        label="Where we send the statement",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
    )
    details = forms.CharField(
        label="Anything we should know",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    # A trap for robots: people never see it, so anything in it was filled in by a script.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
