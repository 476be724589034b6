from django import forms

from complaints.helpdesk.models import BODY_MAX, SUBJECT_MAX
from complaints.helpdesk.services import REFERRAL_ROLES
from complaints.models import Category


class QueryForm(forms.Form):
    centre: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label=None, label="Centre"
    )
    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX,
        error_messages={"required": "Give a subject."},
    )
    body = forms.CharField(
        label="Your query",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what your query is."},
    )
    syllabus_code = forms.RegexField(
        regex=r"^[0-9]{4}$",
        label="Syllabus code (if it is about one)",
        required=False,
        error_messages={"invalid": "A syllabus code is four digits, e.g. 0580."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    candidate_number = forms.RegexField(
        regex=r"^[0-9]{4}$",
        label="Candidate number (if it is about one)",
        required=False,
        error_messages={"invalid": "A candidate number is four digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class AnswerForm(forms.Form):
    response = forms.CharField(
        label="The answer the centre is sent",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the answer."},
    )


class ReferForm(forms.Form):
    role = forms.ChoiceField(
        label="Team",
        choices=[("", "Choose a team")] + [(r, r) for r in REFERRAL_ROLES],
        error_messages={"required": "Choose the team to refer it to."},
    )


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label="What the complaint is about",
        choices=[("", "Choose one")] + list(Category.choices),
        error_messages={"required": "Choose what the complaint is about."},
    )
    formal = forms.TypedChoiceField(
        label="Take it as",
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", "A formal complaint"), ("no", "An expression of dissatisfaction")],
        initial="yes",
    )
