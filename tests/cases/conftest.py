from tests.complaints.conftest import (  # noqa: F401 - complaints are the worked example
    _charter,
    acknowledged,
    answered,
    complaint,
)
