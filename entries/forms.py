from django import forms

from entries.models import Entry, Paper, Syllabus
from entries.uci import LAYOUT_MESSAGE

DATE_HINT = "For example, 14 3 2010 is written 2010-03-14."


class CentreChoiceMixin:
    """A centre field for officers of more than one centre; none for the rest."""

    def add_centre(self, centres):
        if len(centres) > 1:
            self.fields = {
                "centre": forms.ChoiceField(
                    label="Centre", choices=[(c.number, f"{c.number} {c.name}") for c in centres]
                ),
                **self.fields,
            }


class CandidateForm(CentreChoiceMixin, forms.Form):
    surname = forms.CharField(max_length=100)
    forenames = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(help_text=DATE_HINT)
    candidate_number = forms.RegexField(
        r"^[0-9]{4}$",
        required=False,
        help_text="Four digits. Leave empty to take the next free number.",
        error_messages={"invalid": "A candidate number is four digits, e.g. 0042."},
    )
    uci = forms.RegexField(
        r"^[A-Za-z0-9]{13}$",
        label="Unique candidate identifier (UCI)",
        required=False,
        help_text=(
            "The 13-character UCI the candidate already has, from any centre. Leave empty "
            "and we give them one."
        ),
        error_messages={"invalid": LAYOUT_MESSAGE},
    )

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_centre(list(centres))


class EntryForm(CentreChoiceMixin, forms.Form):
    candidate_number = forms.RegexField(
        r"^[0-9]{4}$",
        help_text="The candidate's four-digit number in this series.",
        error_messages={"invalid": "A candidate number is four digits, e.g. 0042."},
    )
    syllabus_code = forms.ChoiceField(label="Syllabus")
    option_code = forms.RegexField(
        r"^[A-Za-z0-9]{1,4}$",
        label="Option",
        help_text="The entry option of the syllabus in this series, e.g. 42.",
        error_messages={"invalid": "An option code is up to four letters or digits."},
    )
    accept_late_fee = forms.BooleanField(
        required=False,
        label="I accept the late fee for this entry",
        help_text="Needed after the final entry deadline.",
    )

    def __init__(self, *args, centres=(), series=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = Syllabus.objects.filter(options__series=series).distinct().order_by("code")
        self.fields["syllabus_code"].choices = [("", "Choose a syllabus")] + [
            (s.code, str(s)) for s in offered
        ]
        self.add_centre(list(centres))

    def clean_option_code(self):
        return self.cleaned_data["option_code"].upper()


class AmendForm(forms.Form):
    option_code = forms.RegexField(
        r"^[A-Za-z0-9]{1,4}$",
        label="New option",
        error_messages={"invalid": "An option code is up to four letters or digits."},
    )

    def clean_option_code(self):
        return self.cleaned_data["option_code"].upper()


class UploadForm(CentreChoiceMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Its first line names the columns candidate_number, surname, forenames, "
            "date_of_birth, syllabus_code and option_code, and optionally uci. Save it as "
            "CSV UTF-8."
        ),
    )
    accept_late_fee = forms.BooleanField(
        required=False,
        label="I accept the late fee for every entry in the file",
        help_text="Needed after the final entry deadline.",
    )

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_centre(list(centres))


class EntryFilterForm(forms.Form):
    syllabus = forms.CharField(required=False, max_length=4, label="Syllabus code")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Entry.Status.choices])
    candidate = forms.CharField(required=False, max_length=100, label="Candidate number or surname")


class CommentForm(CentreChoiceMixin, forms.Form):
    paper = forms.ModelChoiceField(
        queryset=Paper.objects.none(), required=False, empty_label="The timetable as a whole"
    )
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, centres=(), series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = Paper.objects.filter(series=series).select_related(
            "component__syllabus"
        )
        self.add_centre(list(centres))
