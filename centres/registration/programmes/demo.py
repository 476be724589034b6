"""Demo requests to offer additional programmes: one granted and one waiting at GB001, one
waiting at PK002. Found by centre and programmes, so that seeding twice adds nothing."""

from django.contrib.auth import get_user_model

from centres.registration.programmes import services
from centres.registration.programmes.models import ProgrammeRequest
from portal.centres.models import Centre
from portal.centres.programmes import Programme

DEMO = [
    ("GB001", "officer1", [Programme.UPPER_SECONDARY], "granted",
     "We have taught IGCSE courses for years and now want to enter our own candidates."),
    ("GB001", "officer1", [Programme.ADVANCED], "waiting",
     "Our sixth form opens in September with about 40 learners."),
    ("PK002", "officer2", [Programme.PRIMARY, Programme.LOWER_SECONDARY], "waiting",
     "Our new junior campus opens next year."),
]  # fmt: skip


def seed_programme_requests() -> None:
    users = get_user_model().objects
    staff = users.get(username="staff")
    for number, officer, programmes, stage, reason in DEMO:
        centre = Centre.objects.get(number=number)
        values = [str(p) for p in programmes]
        if ProgrammeRequest.objects.filter(centre=centre, programmes=values).exists():
            continue
        if all(p in centre.programmes for p in values):
            continue
        case = services.request_programmes(
            centre=centre, by=users.get(username=officer), programmes=values, reason=reason
        )
        if stage == "granted":
            services.grant_request(case, by=staff, note="Welcome to Cambridge Upper Secondary.")
