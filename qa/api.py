from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.router import register
from portal.cases.api import CaseViewSet, case_action, upload_action
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from qa import grade_import, services
from qa import grades as grading
from qa.models import SAMPLE_PERMISSION, Grade, QaRequest
from qa.policies import QA_EVIDENCE
from qa.serializers import (
    AdjustSerializer,
    CreatedSerializer,
    EvidenceUploadStartSerializer,
    GradeCreateSerializer,
    GradeImportSerializer,
    GradeSerializer,
    JudgementSerializer,
    QaRequestCreateSerializer,
    QaRequestSerializer,
    RequestMoreSerializer,
)


def _judgement(body: dict) -> tuple[str, dict]:
    feedback = body.pop("feedback", "")
    judgement = {name: body.pop(name) for name in list(body) if name in JUDGED}
    return feedback, judgement


JUDGED = ("process_reasonable", "grades_reasonable", "grades_aligned")


@register("qa/requests", basename="qa-request")
class QaRequestViewSet(mixins.CreateModelMixin, CaseViewSet):
    """QA evidence requests of the user's centres (staff whose role works with QA: all).

    Staff create one with ``centre``, ``series``, ``syllabus_code`` and ``candidates`` (none:
    the proposed spread across the grades submitted). Filters: ``status``, ``centre``,
    ``due``, ``open``, ``series``, ``syllabus_code``.
    """

    model = QaRequest
    serializer_class = QaRequestSerializer
    select_related = ("centre", "series", "syllabus")
    filters = {"series": "series__code", "syllabus_code": "syllabus__code"}

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related("sample__candidate", "rounds", "adjusted__candidate", "files")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return QaRequestCreateSerializer
        return super().get_serializer_class()

    @extend_schema(request=QaRequestCreateSerializer, responses={201: QaRequestSerializer})
    def create(self, request, *args, **kwargs):
        if not (is_staff_user(request.user) and request.user.has_perm(SAMPLE_PERMISSION)):
            raise PermissionDenied("Only assessment specialists open QA requests.")
        data = self.body(QaRequestCreateSerializer)
        case = services.open_request(
            centre=data["centre"],
            series=data["series"],
            syllabus=data["syllabus"],
            candidates=data.get("candidates", []),
            instructions=data.get("instructions", ""),
            by=request.user,
        )
        return self.answer(case, status.HTTP_201_CREATED)

    # POST …/{reference}/uploads/ {"filename", "size", "kind", "candidate_number"}: a
    # resumable upload of evidence (the contract's S3 multipart protocol, portal.uploads).
    uploads = upload_action(
        policy=QA_EVIDENCE, request=EvidenceUploadStartSerializer, move="upload"
    )

    @case_action()
    def submit(self, request, case):
        return services.submit_evidence(case, by=request.user)

    @case_action(request=JudgementSerializer)
    def accept(self, request, case, **body):
        feedback, judgement = _judgement(body)
        return services.accept_grades(case, by=request.user, feedback=feedback, judgement=judgement)

    @case_action(request=RequestMoreSerializer, move="request-more", url_path="request-more")
    def request_more(self, request, case, **body):
        candidates = body.pop("candidates", [])
        syllabus_codes = body.pop("syllabus_codes", [])
        feedback, judgement = _judgement(body)
        return services.request_more(
            case,
            by=request.user,
            feedback=feedback,
            judgement=judgement,
            candidates=candidates,
            syllabus_codes=syllabus_codes,
        )

    @case_action(request=AdjustSerializer)
    def adjust(self, request, case, **body):
        grades = [dict(g) for g in body.pop("grades")]
        feedback, judgement = _judgement(body)
        return services.adjust_grades(
            case, by=request.user, grades=grades, feedback=feedback, judgement=judgement
        )


def grading_centre(user, number: str | None):
    """The centre whose grades an officer submits: the one named, or their only one."""
    if is_staff_user(user):
        raise PermissionDenied("Centres submit their own grades.")
    centres = centres_visible_to(user)
    if number:
        centre = centres.filter(number=number).first()
        if centre is None:
            raise PortalError("No centre of yours has that number.", field="centre")
        return centre
    found = list(centres[:2])
    if len(found) != 1:
        raise PortalError("Say which of your centres these grades are from.", field="centre")
    return found[0]


# A refused row answers its line; a body that is not valid at all, its fields (or detail).
LINE_OR_FIELD_ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "line": {"type": "integer"},
                            "message": {"type": "string"},
                        },
                        "required": ["line", "message"],
                    },
                },
                {"type": "object", "description": "Messages by field name."},
            ]
        },
        "detail": {"type": "string"},
    },
}


def _refused(error: grading.GradesRefused) -> Response:
    return Response({"errors": error.lines}, status=status.HTTP_400_BAD_REQUEST)


@register("qa/grades", basename="qa-grade")
class GradeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """School-assessed grades of the user's centres, every round (the latest is the one that
    counts). Filters: ``series``, ``syllabus_code``, ``candidate_number``. Officers submit
    with ``POST`` (JSON, all or none) or ``POST import/`` (a CSV file)."""

    serializer_class = GradeSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    FILTERS = {
        "series": "series__code",
        "syllabus_code": "syllabus__code",
        "candidate_number": "candidate__candidate_number",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Grade.objects.none()
        grades = Grade.objects.visible_to(self.request.user).select_related(
            "centre", "series", "syllabus", "candidate"
        )
        for param, lookup in self.FILTERS.items():
            value = self.request.query_params.get(param)
            if value:
                grades = grades.filter(**{lookup: value[:20]})
        return grades.order_by(
            "centre__number",
            "series__code",
            "syllabus__code",
            "candidate__candidate_number",
            "round",
            "pk",
        )

    @extend_schema(
        request=GradeCreateSerializer,
        responses={201: CreatedSerializer, 400: LINE_OR_FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        body = GradeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        centre = grading_centre(request.user, data.get("centre"))
        rows = [grading.GradeRow(line=n, **row) for n, row in enumerate(data["grades"], start=1)]
        try:
            saved = grading.submit_grades(
                rows, centre=centre, series=data["series"], by=request.user
            )
        except grading.GradesRefused as error:
            return _refused(error)
        return Response({"created": len(saved)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": GradeImportSerializer},
        responses={201: CreatedSerializer, 400: LINE_OR_FIELD_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request):
        """A CSV with the header ``candidate_number,syllabus_code,grade``: all rows saved
        (201 ``{"created": N}``) or none (400 with every bad line)."""
        body = GradeImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        centre = grading_centre(request.user, data.get("centre"))
        try:
            saved = grade_import.import_grades(
                data["file"], centre=centre, series=data["series"], by=request.user
            )
        except grading.GradesRefused as error:
            return _refused(error)
        return Response({"created": len(saved)}, status=status.HTTP_201_CREATED)
