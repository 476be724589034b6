from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from entries.models import Series


class GiveAccessForm(forms.Form):
    """A candidate of the centre, by series and candidate number, and where to write."""

    centre = forms.ChoiceField(required=False, label="Centre")
    series = forms.ModelChoiceField(
        queryset=Series.objects.order_by("-results_release_at"),
        to_field_name="code",
        empty_label="Choose a series",
        error_messages={"required": "Choose the series the candidate sat."},
    )
    candidate_number = forms.RegexField(
        regex=r"^[0-9]{4}$",
        max_length=4,
        label="Candidate number",
        error_messages={
            "required": "Give the candidate number.",
            "invalid": "A candidate number is four digits.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        max_length=254,
        label="The learner's email address",
        error_messages={"required": "Give the learner's email address."},
    )
    language = forms.ChoiceField(
        choices=[
            (code, f"{name} ({translation.get_language_info(code)['name_local']})")
            for code, name in settings.LANGUAGES
        ],
        initial=settings.LANGUAGE_CODE,
        required=False,
        label="Language of the invitation",
    )

    def __init__(self, *args, centres=(), staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["centre"] = forms.CharField(
                max_length=10, label="Centre number", required=True
            )
        elif len(centres) > 1:
            self.fields["centre"].choices = [(c.number, f"{c.number} {c.name}") for c in centres]
            self.fields["centre"].required = True
        else:
            del self.fields["centre"]


class SendResultsForm(forms.Form):
    """Where the learner's results of a series go: a university or employer."""

    series = forms.ChoiceField(label=_("Results of"))
    recipient_name = forms.CharField(
        max_length=200,
        label=_("University or employer"),
        error_messages={"required": _("Name the university or employer.")},
    )
    recipient_email = forms.EmailField(
        max_length=254,
        label=_("Their email address"),
        error_messages={
            "required": _("Give the email address the results go to."),
            "invalid": _("Enter an email address, such as admissions@university.example."),
        },
    )
    reference = forms.CharField(
        max_length=100,
        required=False,
        label=_("Your admissions or application reference (optional)"),
    )

    def __init__(self, *args, series=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [(s.code, s.name) for s in series]
