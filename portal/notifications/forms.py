from django import forms

from portal.notifications.kinds import kind_choices


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Which notices should we also email to you?",
        help_text="Every notice appears in your portal inbox. Tick the ones you also want by "
        "email; untick them all for no email.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read now, not at import: apps register their kinds when they are ready.
        self.fields["email_kinds"].choices = kind_choices()
