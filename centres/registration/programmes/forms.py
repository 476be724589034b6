from django import forms

from centres.registration.programmes.services import PLANS
from portal.cases.forms import CaseOpenForm
from portal.centres.programmes import Programme


class ProgrammeRequestForm(CaseOpenForm):
    programmes = forms.MultipleChoiceField(
        label="Programmes you would like to offer",
        choices=Programme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = PLANS.form_field()
