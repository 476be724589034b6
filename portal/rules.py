"""One validation path: each input's rule is declared once, and the service, the page's form
and the API's serializer all check it with it, so that the page and the API say the same
thing in the same words.

    SUBJECT = Text("subject", label="Subject", most=200, missing="Give a subject.")

    subject = SUBJECT.clean(subject)          # in the service: a PortalError on its field
    subject = SUBJECT.form_field()            # in the form: the same check, the same message
    subject = SUBJECT.serializer_field()      # in the serializer: the same again

``Choice`` (one of a list), ``Flag`` (yes or no), ``Number`` (a whole number) and ``Day`` (a
date) are declared and used the same way; a case type's moves are built from their rules
(``portal/cases/steps.py``).

The form and the serializer are shells: they read the value and hand it to the rule. What
only the service can know (a syllabus that does not exist, a case in the wrong state) stays
in the service, and reaches the form through ``PortalError.onto`` and the API as a 400 on the
same field.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.fields import empty

from portal.errors import PortalError


def _on_form(rule: Any, value: Any) -> Any:
    """The rule's value, or its refusal as the form's error."""
    try:
        return rule.clean(value)
    except PortalError as error:
        raise ValidationError(error.message) from None


def _in_api(rule: Any, value: Any) -> Any:
    """The rule's value, or its refusal as the serializer's error."""
    try:
        return rule.clean(value)
    except PortalError as error:
        raise serializers.ValidationError(error.message) from None


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
    # Lines of the box on the page: 0 for a one-line field.
    rows: int = 0
    # Digits: phones show their number pad, and the browser suggests nothing.
    numeric: bool = False

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
        widget = kwargs.pop("widget", None)
        if widget is None:
            if self.rows:
                widget = forms.Textarea(attrs={"rows": self.rows})
            elif self.numeric:
                widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            else:
                widget = forms.TextInput()
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
        return str(_on_form(self.rule, value))


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
        return _in_api(self.rule, None if data is empty else data)


@dataclass(frozen=True)
class Choice:
    """One of a list: ``choices`` are ``(value, label)`` pairs (or a function answering them,
    read when asked); ``missing`` is the message when none is chosen, ``invalid`` when the
    value is not one of them (by default the list of values). ``radio`` draws the choices as
    radio buttons on the page, ``prompt`` is the empty first option of a list otherwise."""

    field: str
    label: str
    choices: Any
    missing: str
    invalid: str = ""
    prompt: str = "Choose one"
    radio: bool = False
    help_text: str = ""

    def options(self) -> list[tuple[str, Any]]:
        return list(self.choices() if callable(self.choices) else self.choices)

    def values(self) -> list[str]:
        return [value for value, _ in self.options()]

    def clean(self, value: Any) -> str:
        """The value chosen, or a ``PortalError`` on ``field``."""
        text = "" if value is None else str(value).strip()
        if not text:
            raise PortalError(self.missing, field=self.field)
        if text not in self.values():
            raise PortalError(
                self.invalid or f"Choose one of: {', '.join(self.values())}.", field=self.field
            )
        return text

    def form_field(self, **kwargs: Any) -> forms.Field:
        """A list (or radio buttons) that checks with this rule."""
        widget = kwargs.pop("widget", forms.RadioSelect if self.radio else forms.Select)
        if isinstance(widget, type):
            widget = widget()
        widget.attrs.setdefault("required", True)
        prompt = [] if self.radio else [("", self.prompt)]
        return _RuleChoiceFormField(
            self,
            choices=prompt + self.options(),
            label=self.label,
            help_text=self.help_text,
            widget=widget,
            **kwargs,
        )

    def serializer_field(self, **kwargs: Any) -> "_RuleChoiceSerializerField":
        """A serializer field that checks with this rule (the schema lists the values)."""
        return _RuleChoiceSerializerField(
            self,
            choices=self.options(),
            help_text=kwargs.pop("help_text", self.help_text or self.label),
            **kwargs,
        )


class _RuleChoiceFormField(forms.ChoiceField):
    """Choices (or yes and no) on the page, checked by the rule."""

    def __init__(self, rule: "Choice | Flag", **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        return _on_form(self.rule, value)


class _RuleChoiceSerializerField(serializers.ChoiceField):
    def __init__(self, rule: Choice, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if data is not empty and data is not None and not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return _in_api(self.rule, None if data is empty else data)


@dataclass(frozen=True)
class Flag:
    """Yes or no: on the page two radio buttons worded ``yes`` and ``no``, in the API a
    boolean; left out, it is ``default``."""

    field: str
    label: str
    yes: str
    no: str
    default: bool = True
    help_text: str = ""

    def clean(self, value: Any) -> bool:
        """True or False, or a ``PortalError`` on ``field``."""
        if value is None or value == "":
            return self.default
        if value in (True, "yes", "true", "True"):
            return True
        if value in (False, "no", "false", "False"):
            return False
        raise PortalError("Choose yes or no.", field=self.field)

    def form_field(self, **kwargs: Any) -> forms.Field:
        return _RuleChoiceFormField(
            self,
            choices=[("yes", self.yes), ("no", self.no)],
            label=self.label,
            help_text=self.help_text,
            widget=forms.RadioSelect,
            initial="yes" if self.default else "no",
            **kwargs,
        )

    def serializer_field(self, **kwargs: Any) -> serializers.BooleanField:
        return _RuleFlagSerializerField(
            self,
            default=self.default,
            help_text=kwargs.pop("help_text", self.help_text or f"True: {self.yes}."),
            **kwargs,
        )


class _RuleFlagSerializerField(serializers.BooleanField):
    """A boolean in the schema, checked by the rule: anything else gets the rule's words."""

    def __init__(self, rule: Flag, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> bool:
        return bool(_in_api(self.rule, data))


@dataclass(frozen=True)
class Number:
    """A whole number from ``least`` to ``most``: ``missing`` (the message) makes it
    required, and is also said of a number out of range or not a whole number; left out and
    optional, it is None."""

    field: str
    label: str
    least: int
    most: int
    missing: str = ""
    help_text: str = ""

    def refusal(self) -> str:
        return self.missing or f"Give a whole number from {self.least} to {self.most}."

    def clean(self, value: Any) -> int | None:
        """The number, None when left out and optional, or a ``PortalError`` on ``field``."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.missing:
                raise PortalError(self.missing, field=self.field)
            return None
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise PortalError(self.refusal(), field=self.field)
        try:
            number = int(str(value).strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise PortalError(self.refusal(), field=self.field) from None
        if not self.least <= number <= self.most:
            raise PortalError(self.refusal(), field=self.field)
        return number

    def form_field(self, **kwargs: Any) -> forms.Field:
        """A number box (the phone's number pad) that checks with this rule."""
        attrs = {"inputmode": "numeric", "min": self.least, "max": self.most}
        if self.missing:
            attrs["required"] = True
        return _RuleNumberFormField(
            self,
            label=self.label,
            help_text=self.help_text,
            widget=forms.NumberInput(attrs=attrs),
            **kwargs,
        )

    def serializer_field(self, **kwargs: Any) -> serializers.IntegerField:
        """A serializer field (an integer in the schema, with its range) that checks with
        this rule."""
        return _RuleNumberSerializerField(
            self,
            min_value=self.least,
            max_value=self.most,
            required=bool(self.missing),
            allow_null=not self.missing,
            help_text=kwargs.pop("help_text", self.help_text or self.label),
            **kwargs,
        )


class _RuleNumberFormField(forms.Field):
    def __init__(self, rule: Number, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        return _on_form(self.rule, value)


class _RuleNumberSerializerField(serializers.IntegerField):
    def __init__(self, rule: Number, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if data is empty and not self.rule.missing:
            return super().run_validation(data)  # left out and optional: skipped
        return _in_api(self.rule, None if data is empty else data)


@dataclass(frozen=True)
class Day:
    """A date, written ``YYYY-MM-DD`` (what a browser's date box sends): ``missing`` (the
    message) makes it required; left out and optional, it is None (the service decides what
    that means, e.g. today). ``initial`` answers what the page's box shows first. Whether a
    date is too early or too late is the service's to say: it knows the case."""

    field: str
    label: str
    missing: str = ""
    invalid: str = "Give the date as YYYY-MM-DD, for example 2026-08-20."
    help_text: str = ""
    initial: Callable[[], dt.date] | None = None

    def clean(self, value: Any) -> dt.date | None:
        """The date, None when left out and optional, or a ``PortalError`` on ``field``."""
        if isinstance(value, dt.datetime):
            raise PortalError(self.invalid, field=self.field)
        if isinstance(value, dt.date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            if self.missing:
                raise PortalError(self.missing, field=self.field)
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise PortalError(self.invalid, field=self.field)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:  # 2026-02-30
            raise PortalError(self.invalid, field=self.field) from None

    def form_field(self, **kwargs: Any) -> forms.Field:
        """A date box (the browser's own calendar) that checks with this rule."""
        attrs: dict[str, Any] = {"type": "date"}
        if self.missing:
            attrs["required"] = True
        return _RuleDayFormField(
            self,
            label=self.label,
            help_text=self.help_text,
            initial=self.initial,
            widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            **kwargs,
        )

    def serializer_field(self, **kwargs: Any) -> serializers.DateField:
        """A serializer field (a date in the schema) that checks with this rule."""
        return _RuleDaySerializerField(
            self,
            required=bool(self.missing),
            allow_null=not self.missing,
            help_text=kwargs.pop("help_text", self.help_text or self.label),
            **kwargs,
        )


class _RuleDayFormField(forms.Field):
    def __init__(self, rule: Day, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        return _on_form(self.rule, value)


class _RuleDaySerializerField(serializers.DateField):
    def __init__(self, rule: Day, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if data is empty and not self.rule.missing:
            return super().run_validation(data)  # left out and optional: skipped
        if data is not empty and data is not None and not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return _in_api(self.rule, None if data is empty else data)
