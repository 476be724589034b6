from django import forms

from portal.centres.programmes import Programme


class ProgrammeRequestForm(forms.Form):
    centre = forms.ModelChoiceField(queryset=None, empty_label=None, label="Centre")
    programmes = forms.MultipleChoiceField(
        label="Programmes you would like to offer",
        choices=Programme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="About your plans",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="When you would start, and for how many learners.",
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class GrantForm(forms.Form):
    note = forms.CharField(
        label="Note to the centre",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why it is declined",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Sent to the centre's officers.",
    )
