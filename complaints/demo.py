"""Demo complaints: one of each stage, found by subject so that seeding twice adds nothing."""

from django.contrib.auth import get_user_model

from complaints import services
from complaints.demo_history import seed_history
from complaints.models import Category, Complaint
from portal.centres.models import Centre

DEMO = [
    {
        "centre": "GB001",
        "officer": "officer1",
        "category": Category.SERVICE,
        "subject": "Question papers arrived two days late",
        "description": "The June question papers for 0580 arrived on the morning of the exam.",
        "syllabus_code": "0580",
        "stage": "received",
    },
    {
        "centre": "GB001",
        "officer": "officer1",
        "category": Category.SERVICE,
        "subject": "Certificates sent to the wrong address",
        "description": "Our certificates went to our old address although we updated it.",
        "stage": "answered",
    },
    {
        "centre": "PK002",
        "officer": "officer2",
        "category": Category.SERVICE,
        "subject": "No reply to our entries query",
        "description": "We asked about late entries for 0610 twice without an answer.",
        "syllabus_code": "0610",
        "stage": "acknowledged",
    },
    {
        "centre": "PK002",
        "officer": "officer2",
        "category": Category.RESULTS,
        "subject": "Grade lower than predicted",
        "description": "A candidate's 0625 grade is two grades below the prediction.",
        "syllabus_code": "0625",
        "candidate_number": "0002",
        "stage": "received",
    },
]


def seed_complaints() -> None:
    users = get_user_model().objects
    staff = users.get(username="staff")
    for item in DEMO:
        item = dict(item)
        centre = Centre.objects.get(number=item.pop("centre"))
        officer = users.get(username=item.pop("officer"))
        stage = item.pop("stage")
        if Complaint.objects.filter(centre=centre, subject=item["subject"]).exists():
            continue
        complaint = services.submit_complaint(data=item, centre=centre, submitted_by=officer)
        if stage in ("acknowledged", "answered"):
            complaint = services.acknowledge_complaint(complaint, by=staff)
        if stage == "answered":
            services.respond_to_complaint(
                complaint,
                by=staff,
                response="We are sorry: the change of address reached the despatch team after "
                "the certificates were printed. Replacements are on their way.",
                root_cause="process",
                improvement_action="Address changes now reach despatch the same day.",
            )


# The past first, so that references follow the order in which cases came in.
STEPS = [seed_history, seed_complaints]
