from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from complaints import services
from complaints.models import Complaint, Submitter
from complaints.serializers import (
    AnalyseSerializer,
    AssignSerializer,
    AttachmentUploadSerializer,
    ComplaintCreateSerializer,
    ComplaintFileSerializer,
    ComplaintSerializer,
    ExtendSerializer,
    MessageSerializer,
    NewMessageSerializer,
    RespondSerializer,
    StaffComplaintSerializer,
)
from complaints.steps import STEPS
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.router import register
from portal.cases.api import CaseViewSet, case_action
from portal.errors import PortalError
from portal.workflow import authorize


@register("complaints", basename="complaint")
@STEPS.api
class ComplaintViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Complaints and expressions of dissatisfaction of the user's centres (staff whose role
    works with complaints: all).

    Filters: ``status``, ``centre``, ``due`` (overdue, today, week: nearest first), ``open``,
    ``category``, ``kind``, ``route``; staff also ``assigned_to`` (username, or ``me``).
    """

    model = Complaint
    serializer_class = ComplaintSerializer
    staff_serializer_class = StaffComplaintSerializer
    select_related = ("centre", "series", "assigned_to")
    filters = {"category": "category", "kind": "kind", "route": "route"}
    # Filters on what only staff see: honoured for staff alone, so that an officer cannot
    # probe staff usernames by filtering.
    staff_filters = {"assigned_to": "assigned_to__username"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def filter_value(self, param, value):
        if param == "assigned_to" and value == "me":
            return self.request.user.username
        return value

    def get_serializer_class(self):
        if self.action == "create":
            return ComplaintCreateSerializer
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        data = self.body(ComplaintCreateSerializer)
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
        return self.answer(complaint, status.HTTP_201_CREATED)

    @case_action(request=AssignSerializer)
    def assign(self, request, case, *, assigned_to):
        return services.assign_complaint(case, to=assigned_to, by=request.user)

    @case_action(request=RespondSerializer)
    def respond(self, request, case, **answer):
        return services.respond_to_complaint(case, by=request.user, **answer)

    @case_action(request=ExtendSerializer)
    def extend(self, request, case, *, due_at, reason):
        return services.extend_response(case, by=request.user, due_at=due_at, reason=reason)

    @case_action(request=AnalyseSerializer)
    def analyse(self, request, case, *, root_cause, improvement_action):
        return services.analyse_complaint(
            case, by=request.user, root_cause=root_cause, improvement_action=improvement_action
        )

    @extend_schema(methods=["GET"], responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=NewMessageSerializer, responses={201: MessageSerializer}
    )
    # The thread comes whole, as an array: one case's correspondence is never long.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, reference=None):
        complaint = self.get_object()
        if request.method == "POST":
            authorize(complaint, "reply", by=request.user)
            body = self.body(NewMessageSerializer)
            files = request.FILES.getlist("attachments")
            message = services.add_message(
                complaint, by=request.user, body=body["body"], files=files
            )
            return Response(
                MessageSerializer(message, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        thread = complaint.messages.select_related("author").prefetch_related("files")
        context = self.get_serializer_context()
        return Response(MessageSerializer(thread, many=True, context=context).data)

    @extend_schema(methods=["GET"], responses=ComplaintFileSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AttachmentUploadSerializer,
        responses={201: ComplaintFileSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attachments(self, request, reference=None):
        """List the case's files, or add one (multipart ``file``): 415 for a type refused,
        413 over the size limit."""
        complaint = self.get_object()
        if request.method == "POST":
            authorize(complaint, "reply", by=request.user)
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
            files = message.files.all()
            context = self.get_serializer_context()
            return Response(
                ComplaintFileSerializer(files, many=True, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        files = complaint.files.all()
        context = self.get_serializer_context()
        return Response(ComplaintFileSerializer(files, many=True, context=context).data)
