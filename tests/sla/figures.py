"""A small, known set of clocks for the dashboard, the home pages and the charter page.

"Now" is Monday 23 November 2026, noon in London. Every clock measures a case of its own.
"""

import datetime as dt

from portal.sla.models import Clock
from portal.sla.services import cancel_clocks, start_clock, stop_clock
from tests.sla.conftest import london, make_case

NOW = london(2026, 11, 23, 12)
ACK = "complaint.acknowledge"
EAR = "ear.acknowledge"


def clock(centre, code, start, stop=None) -> Clock:
    case = make_case(centre)
    made = start_clock(case, code=code, at=start)
    if stop is not None:
        made = stop_clock(case, code=code, at=stop)
    return made


def known_clocks(centre_gb, centre_pk) -> dict[str, Clock]:
    """October: two met (24 and 30 hours) and one stopped late (5 days), all GB, plus one
    enquiry met in 2 days. November: one running past its due date (never swept), one
    running on time, one cancelled (GB) and one met in 4 hours (PK)."""
    clocks = {
        "a": clock(centre_gb, ACK, london(2026, 10, 5, 10), london(2026, 10, 6, 10)),
        "b": clock(centre_gb, ACK, london(2026, 10, 5, 10), london(2026, 10, 6, 16)),
        # 00:30 in London on 1 October is still 30 September in UTC: counted in October.
        "c": clock(centre_gb, ACK, london(2026, 10, 1, 0, 30), london(2026, 10, 6, 0, 30)),
        "h": clock(centre_gb, EAR, london(2026, 10, 1, 9), london(2026, 10, 3, 9)),
        "d": clock(centre_gb, ACK, london(2026, 11, 2, 10)),
        "e": clock(centre_gb, ACK, london(2026, 11, 23, 9)),
        "f": clock(centre_gb, ACK, london(2026, 11, 3, 10)),
        "g": clock(centre_pk, ACK, london(2026, 11, 4, 10), london(2026, 11, 4, 14)),
    }
    cancel_clocks(clocks["f"].case, at=london(2026, 11, 3, 11))
    return clocks


HOURS = dt.timedelta(hours=1)
