from typing import Any

from django import forms

from portal.uploads.policies import UploadPolicy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files at once, offered as ``policy`` accepts them; their content is checked
    by the service (``portal.uploads.services.check_files``), not here."""

    def __init__(self, *, policy: UploadPolicy, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": policy.accept})
        )
        kwargs.setdefault("help_text", policy.describe())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []
