"""The shapes of the centre-account forms; the rules are in ``centres.services``."""

from functools import cache

from django import forms

from portal.centres.models import Membership
from portal.zones import zone_names


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every time zone by its name (Europe/London), in alphabetical order."""
    names = sorted(zone_names())
    # "Region/City" names are what people look for; the bare legacy aliases (EST, Cuba ...)
    # only clutter the list.
    return [(name, name.replace("_", " ")) for name in names if "/" in name or name == "UTC"]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        help_text="We email them a link that works once, only for this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=Membership.Role.choices,
        initial=Membership.Role.EXAMS_OFFICER,
        widget=forms.RadioSelect,
    )


class CentreDetailsForm(forms.Form):
    name = forms.CharField(label="Centre name", max_length=200)
    email = forms.EmailField(
        label="Exams office email address",
        max_length=254,
        help_text="Where the awarding body writes to the exams office.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="The centre's deadlines and times are shown in this zone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = time_zone_choices()


class JoinForm(forms.Form):
    """A new person's account, made through their invitation."""

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    username = forms.CharField(
        max_length=150,
        help_text="What you will sign in with: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        help_text="At least 8 characters; not only digits, a common password or like your name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        max_length=128,
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The two passwords are not the same.")
        return cleaned
