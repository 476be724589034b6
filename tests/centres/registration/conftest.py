import pytest

from tests.centres.registration.loading import ensure_standards_2026


@pytest.fixture
def standards(db):
    """The 2026 set: a migration loads it, but a transactional test empties the tables."""
    ensure_standards_2026()
