"""Overlapping beats on results day: each centre's certificate despatch is opened once,
with one clock, and the references stay gapless."""

import datetime as dt

import pytest

from portal.core.models import ReferenceSequence
from portal.sla.models import Clock
from results.postresults import certificates
from results.postresults.models import CertificateDespatch
from tests.factories import CentreFactory
from tests.results.postresults.conftest import JUNE_RELEASE, add_result
from tests.sla.conftest import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sweeps_at_once_open_each_centres_case_exactly_once(june_results):
    for n in range(10):
        centre = CentreFactory(number=f"GB{n + 100:03d}", name=f"School {n}")
        add_result(centre, june_results, "0001", "0580")
    now = JUNE_RELEASE + dt.timedelta(seconds=1)

    # Four beats at once, each run twice, in batches of three, as overlapping beats and
    # retried tasks would.
    counts, errors = run_at_once(
        lambda: [certificates.open_due_certificate_despatches(now=now, batch=3) for _ in range(2)]
    )
    rest = 0
    while opened := certificates.open_due_certificate_despatches(now=now, batch=3):
        rest += opened

    assert errors == []
    assert CertificateDespatch.objects.count() == 12  # GB001, PK002 and the ten schools
    # Every case counted once, by the run that opened it.
    assert sum(sum(runs) for runs in counts) + rest == 12
    assert Clock.objects.filter(code="certificates.despatch", started_at=JUNE_RELEASE).count() == 12
    references = sorted(CertificateDespatch.objects.values_list("reference", flat=True))
    assert references == [f"CRT-2026-{n:06d}" for n in range(1, 13)]
    assert ReferenceSequence.objects.get(prefix="CRT").last == 12
