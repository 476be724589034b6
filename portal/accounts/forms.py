from django import forms


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label="6-digit code",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Open your authenticator app and enter the code it shows for Exams Portal.",
    )
