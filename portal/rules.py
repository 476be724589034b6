"""One validation path: each input's rule is declared once, and the service, the page's form
and the API's serializer all check it with it, so that the page and the API say the same
thing in the same words.

    SUBJECT = Text("subject", label="Subject", most=200, missing="Give a subject.")

    subject = SUBJECT.clean(subject)          # in the service: a PortalError on its field
    subject = SUBJECT.form_field()            # in the form: the same check, the same message
    subject = SUBJECT.serializer_field()      # in the serializer: the same again

The form and the serializer are shells: they read the value and hand it to the rule. What
only the service can know (a syllabus that does not exist, a case in the wrong state) stays
in the service, and reaches the form through ``PortalError.onto`` and the API as a 400 on the
same field.
"""

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.fields import empty

from portal.errors import PortalError


@dataclass(frozen=True)
class Text:
    """A piece of text: trimmed; ``missing`` (the message) makes it required; at most
    ``most`` characters; when ``pattern`` is given it must match it whole (``invalid``)."""

    field: str
    label: str
    most: int
    missing: str = ""
    pattern: str = ""
    invalid: str = ""
    help_text: str = ""

    def clean(self, value: Any) -> str:
        """The value as the portal keeps it, or a ``PortalError`` on ``field``."""
        text = "" if value is None else str(value).strip()
        if not text:
            if self.missing:
                raise PortalError(self.missing, field=self.field)
            return ""
        if len(text) > self.most:
            raise PortalError(
                f"Keep this to {self.most:,} characters (it has {len(text):,}).", field=self.field
            )
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise PortalError(self.invalid or "This is not in the expected form.", field=self.field)
        return text

    def form_field(self, **kwargs: Any) -> forms.Field:
        """A form field that checks with this rule (the browser is told it is required, and
        its length, so that it says so before sending)."""
        widget = kwargs.pop("widget", forms.TextInput)
        if isinstance(widget, type):
            widget = widget()
        if self.missing:
            widget.attrs.setdefault("required", True)
        return _RuleFormField(
            self, label=self.label, help_text=self.help_text, widget=widget, **kwargs
        )

    def serializer_field(self, **kwargs: Any) -> "_RuleSerializerField":
        """A serializer field that checks with this rule."""
        return _RuleSerializerField(
            self,
            required=bool(self.missing),
            max_length=self.most,
            help_text=kwargs.pop("help_text", self.help_text or self.label),
            **kwargs,
        )


class _RuleFormField(forms.CharField):
    def __init__(self, rule: Text, **kwargs: Any) -> None:
        self.rule = rule
        # The length is the rule's; the browser is told it too (maxlength).
        super().__init__(required=False, strip=False, max_length=rule.most, **kwargs)

    def clean(self, value: Any) -> str:
        try:
            return self.rule.clean(value)
        except PortalError as error:
            raise ValidationError(error.message) from None


class _RuleSerializerField(serializers.CharField):
    """Read as a string (what the schema shows: its length, whether it is required), checked
    by the rule: a missing value, a blank one and a wrong one all get the rule's words."""

    def __init__(self, rule: Text, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(allow_blank=not rule.missing, trim_whitespace=False, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if data is empty and not self.rule.missing:
            return super().run_validation(data)  # left out and optional: skipped
        if data is not empty and data is not None and not isinstance(data, str):
            self.fail("invalid")
        try:
            return self.rule.clean(None if data is empty else data)
        except PortalError as error:
            raise serializers.ValidationError(error.message) from None
