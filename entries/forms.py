from typing import cast

from django import forms

from entries.models import Entry, EntryOption, Paper
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


def option_label(option: EntryOption) -> str:
    """``0580 option 42 (Extended)``: whole on its own, as a screen reader or a phone's
    picker reads one option without its group."""
    label = f"{option.syllabus.code} option {option.code}"
    return f"{label} ({option.title})" if option.title else label


def _codes_in_words(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


class EntryForm(CentreChoiceMixin, forms.Form):
    candidate_number = forms.RegexField(
        r"^[0-9]{4}$",
        help_text="The candidate's four-digit number in this series.",
        error_messages={"invalid": "A candidate number is four digits, e.g. 0042."},
    )
    syllabus_code = forms.ChoiceField(
        label="Syllabus", error_messages={"required": "Choose a syllabus."}
    )
    # The options of every syllabus of the series, grouped by syllabus: the choice works
    # without a script; js/entry-options.js narrows it to the syllabus chosen.
    option_code = forms.ChoiceField(
        label="Option",
        help_text="The entry option of the syllabus chosen above, listed under its syllabus.",
        error_messages={
            "required": "Choose the entry option.",
            "invalid_choice": "Choose an entry option from the list: that one is not "
            "offered in this series.",
        },
        widget=forms.Select(attrs={"data-entry-options": "syllabus_code"}),
    )
    accept_late_fee = forms.BooleanField(
        required=False,
        label="I accept the late fee for this entry",
        help_text="Needed after the final entry deadline.",
    )

    def __init__(self, *args, centres=(), series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series
        options = EntryOption.objects.filter(series=series).select_related("syllabus")
        self.options = {}  # syllabus -> its options in the series
        for option in options.order_by("syllabus__code", "code"):
            self.options.setdefault(option.syllabus, []).append(option)
        self.fields["syllabus_code"].choices = [("", "Choose a syllabus")] + [
            (s.code, str(s)) for s in self.options
        ]
        self.fields["option_code"].choices = [("", "Choose an option")] + [
            (str(syllabus), [(o.code, option_label(o)) for o in offered])
            for syllabus, offered in self.options.items()
        ]
        self.add_centre(list(centres))

    def clean(self):
        data = super().clean()
        syllabus_code, option_code = data.get("syllabus_code"), data.get("option_code")
        if syllabus_code and option_code:
            syllabus, offered = next(
                (s, [o.code for o in found])
                for s, found in self.options.items()
                if s.code == syllabus_code
            )
            if option_code not in offered:
                self.add_error(
                    "option_code",
                    f"{syllabus} has no option {option_code} in {self.series.name}: choose "
                    f"{_codes_in_words(offered)}.",
                )
        return data


class AmendForm(forms.Form):
    option_code = forms.ChoiceField(
        label="New option",
        error_messages={
            "required": "Choose the new option.",
            "invalid_choice": "Choose an option from the list: that one is not another "
            "option of this syllabus in this series.",
        },
    )

    def __init__(self, *args, entry: Entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.others = list(
            EntryOption.objects.filter(
                series_id=entry.candidate.series_id, syllabus_id=entry.syllabus_id
            )
            .exclude(code=entry.option_code)
            .select_related("syllabus")
            .order_by("code")
        )
        field = cast(forms.ChoiceField, self.fields["option_code"])
        field.choices = [("", "Choose the new option")] + [
            (o.code, option_label(o)) for o in self.others
        ]

    @property
    def has_choices(self) -> bool:
        return bool(self.others)


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
