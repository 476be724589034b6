"""The form that opens a case on the page: the centre it is for comes first, chosen from the
officer's own centres (``CaseCreateView`` passes them; the one centre, already chosen, for an
officer of one)."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from portal.centres.models import Centre


class CaseOpenForm(forms.Form):
    """A case type's opening form adds its own fields to ``centre``."""

    centre: "forms.ModelChoiceField[Centre]" = forms.ModelChoiceField(
        queryset=Centre.objects.none(), empty_label=None, label="Centre"
    )

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = centres
