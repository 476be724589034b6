"""Demo centre accounts: a head of centre who joined GB001 through an invitation, and an
invitation waiting for an answer at each centre. Found by username and address, so that
seeding twice adds nothing (a waiting invitation that expired is sent again)."""

from django.contrib.auth import get_user_model

from centres import services
from portal.centres.models import Centre, Invitation, Membership
from portal.core.demo import DEMO_PASSWORD

JOINED = {
    "centre": "GB001",
    "by": "officer1",
    "username": "head1",
    "first_name": "Grace",
    "last_name": "Okafor",
    "email": "head1@riverside.example",
    "role": Membership.Role.HEAD_OF_CENTRE,
}
WAITING = [
    ("GB001", "officer1", "new.teacher@riverside.example", Membership.Role.EXAMS_OFFICER),
    ("PK002", "officer2", "deputy.exams@lahore-grammar.example", Membership.Role.EXAMS_OFFICER),
]


def seed_centre_accounts() -> None:
    users = get_user_model().objects
    if not users.filter(username=JOINED["username"]).exists():
        centre = Centre.objects.get(number=JOINED["centre"])
        _, token = services.invite_colleague(
            centre, by=users.get(username=JOINED["by"]), email=JOINED["email"], role=JOINED["role"]
        )
        services.create_account_and_accept(
            token,
            username=JOINED["username"],
            first_name=JOINED["first_name"],
            last_name=JOINED["last_name"],
            password=DEMO_PASSWORD,
        )
    for number, by, email, role in WAITING:
        centre = Centre.objects.get(number=number)
        if Invitation.objects.pending().filter(centre=centre, email=email).exists():
            continue
        services.invite_colleague(centre, by=users.get(username=by), email=email, role=role)


STEPS = [seed_centre_accounts]
