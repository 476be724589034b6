import pytest

from tests.results.conftest import make_result

UCI = "GB001270001A"


@pytest.fixture
def results_gb(series, centre_gb):
    """Candidate 0001 (``UCI``) with two results, candidate 0002 with one."""
    found = [
        make_result(centre_gb, series, "0001", "0580", "A"),
        make_result(centre_gb, series, "0001", "0610", "B"),
        make_result(centre_gb, series, "0002", "0580", "C"),
    ]
    centre_gb.candidates.filter(candidate_number="0001").update(uci=UCI)
    centre_gb.candidates.filter(candidate_number="0002").update(uci="GB001270002B")
    return found
