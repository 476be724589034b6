"""Demo learners: GB001's candidate 0001 (Grace Adams) signs in as ``learner1`` to see her
June results; PK002's candidate 0002 has been invited and has not chosen a password yet."""

from django.contrib.auth import get_user_model

from entries.models import Candidate
from portal.core.demo import DEMO_PASSWORD
from results.learners import services
from results.learners.models import LearnerAccount

LEARNERS = [
    ("GB001", "0001", "grace.adams@example.org", "learner1"),
    ("PK002", "0002", "hamza.butt@example.org", None),
]


def seed_learners() -> None:
    users = get_user_model().objects
    for number, candidate_number, email, username in LEARNERS:
        candidate = (
            Candidate.objects.filter(
                centre__number=number, candidate_number=candidate_number, uci__gt=""
            )
            .select_related("centre", "series")
            .order_by("series__results_release_at")
            .first()
        )
        if candidate is None:
            continue
        if LearnerAccount.objects.filter(centre=candidate.centre, uci=candidate.uci).exists():
            continue
        officer = users.filter(memberships__centre=candidate.centre).order_by("pk").first()
        account, _ = services.give_access(
            centre=candidate.centre,
            series=candidate.series,
            candidate_number=candidate_number,
            email=email,
            by=officer,
        )
        if username:
            user = account.user
            user.username = username
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["username", "password"])


STEPS = [seed_learners]
