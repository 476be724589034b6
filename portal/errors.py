"""Errors that services raise and every edge (page, API, task) turns into its own answer."""

from typing import Any


class PortalError(Exception):
    """A rule of the portal refused the request; the message is for the person who asked."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}

    def onto(self, form: Any) -> None:
        """Show the refusal on ``form`` (a Django form): beside the field it names when the
        form has that field, else above the form. The page says what the API says."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


class TransitionNotAllowed(PortalError):
    """A status change that the case's life cycle does not allow from where it stands."""


class UploadRefused(PortalError):
    """An uploaded file the portal does not accept (its content is not an allowed type)."""

    status = 415


class UploadTooLarge(UploadRefused):
    """An uploaded file over the size limit."""

    status = 413
