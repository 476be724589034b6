from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label="6-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Open your authenticator app and enter the code it shows for Exams Portal, "
        "or enter one of your recovery codes.",
    )


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose link starts with PORTAL_BASE_URL like every other email's:
    never with the Host header of the request that asked for it, which its sender chose."""

    def save(self, *args, extra_email_context=None, **kwargs):
        extra = {**(extra_email_context or {}), "base_url": settings.PORTAL_BASE_URL}
        return super().save(*args, extra_email_context=extra, **kwargs)
