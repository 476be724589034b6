"""Errors that services raise and every edge (page, API, task) turns into its own answer."""


class PortalError(Exception):
    """A rule of the portal refused the request; the message is for the person who asked."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class TransitionNotAllowed(PortalError):
    """A status change that the case's life cycle does not allow from where it stands."""


class UploadRefused(PortalError):
    """An uploaded file the portal does not accept (its content is not an allowed type)."""

    status = 415


class UploadTooLarge(UploadRefused):
    """An uploaded file over the size limit."""

    status = 413
