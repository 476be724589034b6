"""A test-only API that lets officers start resumable uploads on their complaints, as the QA
app's evidence requests will: the kit is tested through a real case type without changing
what complaints offer officers. A page mounts the browser client on it, as a case page does
(``templates/uploads/_resumable.html``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from complaints.models import Complaint
from complaints.serializers import ComplaintSerializer
from portal.cases.api import CaseViewSet, upload_action
from portal.uploads.serializers import UploadStartSerializer
from portal.urls import urlpatterns as portal_urlpatterns
from qa.policies import QA_EVIDENCE


class EvidenceStart(UploadStartSerializer):
    """The QA app's shape: a kind of file, and a candidate for some kinds."""

    kind = serializers.ChoiceField(choices=["evidence", "rationale", "task", "marks"])
    candidate_number = serializers.RegexField(r"^[0-9]{4}$", required=False)

    def validate(self, data):
        if data["kind"] in ("evidence", "marks") and not data.get("candidate_number"):
            raise serializers.ValidationError({"candidate_number": ["Name the candidate."]})
        return data


class ComplaintUploads(CaseViewSet):
    model = Complaint
    serializer_class = ComplaintSerializer
    uploads = upload_action(policy=QA_EVIDENCE, request=EvidenceStart, move="reply")


PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}
<h1>Files for {{ complaint.reference }}</h1>
{% include "uploads/_resumable.html" %}
{% endblock %}"""
)
KINDS = [("evidence", "Candidate's work"), ("rationale", "Marking rationale"), ("task", "Task")]
CANDIDATES = [("0001", "0001 Ada Lovelace"), ("0002", "0002 Alan Turing")]


@login_required
def files_page(request, reference):
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), reference=reference)
    context = {
        "complaint": complaint,
        "start_url": f"/api/v1/test-cases/{complaint.reference}/uploads/",
        "policy": QA_EVIDENCE,
        "kinds": KINDS,
        "candidates": CANDIDATES,
        "title": f"Files for {complaint.reference}",
    }
    return HttpResponse(PAGE.render(context, request))


router = SimpleRouter()
router.register("test-cases", ComplaintUploads, basename="test-case")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("test-cases/<str:reference>/files/", files_page, name="test-case-files"),
    *portal_urlpatterns,
]
