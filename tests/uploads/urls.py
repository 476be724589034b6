"""A test-only API that lets officers start resumable uploads on their complaints, as the QA
app's evidence requests will: the kit is tested through a real case type without changing
what complaints offer officers."""

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


router = SimpleRouter()
router.register("test-cases", ComplaintUploads, basename="test-case")

urlpatterns = [path("api/v1/", include(router.urls)), *portal_urlpatterns]
