from django import forms

from complaints.helpdesk.services import (
    BODY,
    CANDIDATE_NUMBER,
    REFERRAL_ROLES,
    RESPONSE,
    SUBJECT,
    SYLLABUS_CODE,
)
from complaints.models import Category


class QueryForm(forms.Form):
    centre: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label=None, label="Centre"
    )
    subject = SUBJECT.form_field()
    body = BODY.form_field(widget=forms.Textarea(attrs={"rows": 6}))
    syllabus_code = SYLLABUS_CODE.form_field(
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    candidate_number = CANDIDATE_NUMBER.form_field(
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class AnswerForm(forms.Form):
    response = RESPONSE.form_field(widget=forms.Textarea(attrs={"rows": 5}))


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
