"""A choice among a few rows (service levels, series), offered as a drop-down list: written as
Django's own ``<select>`` writes it, without a template rendered for every option or the
rows fetched through a database cursor of their own.

Django renders a ``<select>`` by its template, and each ``<option>`` by another, included
once per option; and it reads a model's rows for the choices through ``QuerySet.iterator()``,
which on PostgreSQL declares a cursor, fetches and closes it. For the two dozen service levels
of the dashboard's filter, that was some 2 ms of the page (measured), asked at every page.
"""

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """As Django's ``attrs.html``: ``False`` left out, ``True`` as the bare name."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Dropdown(forms.Select):
    """Django's ``Select``, written by its ``render`` to the same markup as its templates."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))
        ]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        option["value"],
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class FewRows(ModelChoiceIterator):  # type: ignore[type-arg]
    """The choices of a few rows, read by one plain query (``ModelChoiceIterator`` reads them
    through ``QuerySet.iterator()``)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.all():
            yield self.choice(row)


class ChoiceOfFew(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ``ModelChoiceField`` over a table of a few rows, offered as a ``Dropdown``."""

    iterator = FewRows
    widget = Dropdown
