from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from complaints import clocks, services
from complaints.models import Complaint, Submitter
from complaints.serializers import (
    AnalyseSerializer,
    AssignSerializer,
    AttachmentSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    DecisionSerializer,
    ExtendSerializer,
    MessageSerializer,
    NewMessageSerializer,
    ReasonSerializer,
    ReasonsSerializer,
    RespondSerializer,
    StaffComplaintSerializer,
)
from portal.api.permissions import IsStaff
from portal.api.router import register
from portal.errors import PortalError

STAFF = [IsStaff]
FILTERS = {
    "status": "status",
    "category": "category",
    "kind": "kind",
    "route": "route",
    "centre": "centre__number",
}
# Filters on what only staff see: honoured for staff alone, so that an officer cannot probe
# staff usernames by filtering.
STAFF_FILTERS = {"assigned_to": "assigned_to__username"}


@register("complaints", basename="complaint")
class ComplaintViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Complaints and expressions of dissatisfaction of the user's centres (staff: all).

    Filters: ``status``, ``category``, ``kind``, ``route``, ``centre`` (number),
    ``assigned_to`` (username, or ``me``), ``open=true``, ``due=overdue`` or ``due=today``
    (London days; nearest first).
    """

    lookup_field = "reference"
    lookup_value_regex = "[A-Z]+-[0-9]{4}-[0-9]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        cases = (
            Complaint.objects.visible_to(self.request.user)
            .select_related("centre", "series", "assigned_to")
            .prefetch_related("deadlines")
        )
        params = self.request.query_params
        filters = {**FILTERS, **STAFF_FILTERS} if self.request.user.is_staff else FILTERS
        for param, lookup in filters.items():
            value = params.get(param)
            if value == "me" and param == "assigned_to":
                value = self.request.user.username
            if value:
                cases = cases.filter(**{lookup: value})
        if params.get("open") in ("true", "1"):
            cases = cases.open()
        due = params.get("due")
        if due in ("overdue", "today"):
            return clocks.due_within(cases, due).order_by("next_due", "pk")
        return cases.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        if self.action == "create":
            return ComplaintCreateSerializer
        if self.request.user.is_staff:
            return StaffComplaintSerializer
        return ComplaintSerializer

    def _answer(self, complaint, code=status.HTTP_200_OK):
        serializer_class = (
            StaffComplaintSerializer if self.request.user.is_staff else ComplaintSerializer
        )
        return Response(serializer_class(complaint, context={"request": self.request}).data, code)

    def _body(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def create(self, request, *args, **kwargs):
        data = dict(self._body(ComplaintCreateSerializer))
        formal = data.pop("formal")
        centre = services.submitting_centre(request.user, chosen=data.pop("centre", None))
        complaint = services.submit_complaint(
            data=data,
            centre=centre,
            submitted_by=request.user,
            submitter_type=Submitter.STAFF if request.user.is_staff else Submitter.CENTRE,
            files=request.FILES.getlist("attachments"),
            formal=formal,
        )
        return self._answer(complaint, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def acknowledge(self, request, reference=None):
        return self._answer(services.acknowledge_complaint(self.get_object(), by=request.user))

    @extend_schema(request=None, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def claim(self, request, reference=None):
        return self._answer(services.claim_complaint(self.get_object(), by=request.user))

    @extend_schema(request=AssignSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def assign(self, request, reference=None):
        body = self._body(AssignSerializer)
        complaint = services.assign_complaint(
            self.get_object(), to=body["assigned_to"], by=request.user
        )
        return self._answer(complaint)

    @extend_schema(request=RespondSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def respond(self, request, reference=None):
        body = self._body(RespondSerializer)
        return self._answer(
            services.respond_to_complaint(self.get_object(), by=request.user, **body)
        )

    @extend_schema(request=ExtendSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def extend(self, request, reference=None):
        body = self._body(ExtendSerializer)
        return self._answer(services.extend_response(self.get_object(), by=request.user, **body))

    @extend_schema(request=ReasonsSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, reference=None):
        complaint = self.get_object()
        body = self._body(ReasonsSerializer)
        return self._answer(
            services.escalate_complaint(complaint, by=request.user, reasons=body["reasons"])
        )

    @extend_schema(request=DecisionSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def decide(self, request, reference=None):
        body = self._body(DecisionSerializer)
        return self._answer(services.decide_escalation(self.get_object(), by=request.user, **body))

    @extend_schema(request=None, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def release(self, request, reference=None):
        return self._answer(services.release_held(self.get_object(), by=request.user))

    @extend_schema(request=ReasonSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def decline(self, request, reference=None):
        body = self._body(ReasonSerializer)
        return self._answer(services.close_held(self.get_object(), by=request.user, **body))

    @extend_schema(request=AnalyseSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF)
    def analyse(self, request, reference=None):
        body = self._body(AnalyseSerializer)
        return self._answer(services.analyse_complaint(self.get_object(), by=request.user, **body))

    @extend_schema(request=NewMessageSerializer, responses=MessageSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, reference=None):
        complaint = self.get_object()
        if request.method == "POST":
            body = self._body(NewMessageSerializer)
            files = request.FILES.getlist("attachments")
            message = services.add_message(
                complaint, by=request.user, body=body["body"], files=files
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        thread = complaint.messages.select_related("author").prefetch_related("attachments")
        return Response(MessageSerializer(thread, many=True).data)

    @extend_schema(responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, reference=None):
        """List the case's files, or add one (multipart ``file``): 415 for a type refused,
        413 over the size limit."""
        complaint = self.get_object()
        if request.method == "POST":
            files = request.FILES.getlist("attachments") or request.FILES.getlist("file")
            if not files:
                raise PortalError("Choose a file.", field="attachments")
            names = ", ".join(upload.name for upload in files)
            message = services.add_message(
                complaint,
                by=request.user,
                body=request.data.get("body") or f"Attached {names}.",
                files=files,
            )
            return Response(
                AttachmentSerializer(message.attachments.all(), many=True).data,
                status=status.HTTP_201_CREATED,
            )
        return Response(AttachmentSerializer(complaint.attachments.all(), many=True).data)
