from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from entries import queries, services
from entries.models import Candidate, Entry, EntrySubmission, Series
from entries.serializers import (
    AmendSerializer,
    CandidateCreateSerializer,
    CandidateSerializer,
    EntryCreateSerializer,
    EntryImportSerializer,
    EntrySerializer,
    EntrySubmissionSerializer,
    ImportCreatedSerializer,
    ImportErrorsSerializer,
    ProposalErrorsSerializer,
    ProposalQuerySerializer,
    ProposalSerializer,
    SeriesSerializer,
    SubmitSerializer,
)
from portal.api.pagination import KeysetPagination
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.router import register
from portal.api.schema import answers
from portal.cases.api import CaseViewSet, case_action
from portal.permissions import is_staff_user
from portal.workflow import authorize

SERIES_FILTER = OpenApiParameter(
    "series", str, description="Only this series (its code, e.g. J27).", required=False
)


@register("series", basename="series")
class SeriesViewSet(viewsets.ReadOnlyModelViewSet):
    """Exam series, for anyone signed in."""

    serializer_class = SeriesSerializer
    queryset = Series.objects.order_by("-results_release_at")
    lookup_field = "code"


class StaffMayRead(BasePermission):
    """Staff read candidates and entries only if one of their roles works with them."""

    message = "Your role does not work with entries."

    def has_permission(self, request, view):
        if getattr(view, "swagger_fake_view", False) or not is_staff_user(request.user):
            return True
        return request.user.has_perm(f"entries.view_{view.queryset.model._meta.model_name}")


class SeriesFiltered:
    def series_filter(self):
        code = self.request.query_params.get("series")
        if not code or self.action != "list":
            return None
        if "series" not in self.__dict__:  # read once a request
            self.__dict__["series"] = Series.objects.filter(code=code[:10]).first()
        series = self.__dict__["series"]
        if series is None:
            raise serializers.ValidationError({"series": [f"There is no series {code[:10]}."]})
        return series

    def body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(list=extend_schema(parameters=[SERIES_FILTER]))
@register("entries", basename="entry")
class EntryViewSet(SeriesFiltered, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Entries of the candidates of the user's centres (staff whose role works with entries:
    every centre's). ``?series=`` keeps one series. Create one entry, import a CSV of them
    (``import/``), change an entry's option (``amend/``) or withdraw it (``withdraw/``)."""

    serializer_class = EntrySerializer
    queryset = Entry.objects.all()
    permission_classes = [IsAuthenticated, StaffMayRead]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = KeysetPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        # In the order they were made, page after page through the primary key
        # (``KeysetPagination``): a million entries are never sorted or skipped.
        entries = queries.entries_of(self.request.user, series=self.series_filter())
        if self.action != "list":
            return entries
        # A page's candidates share a few centres and series: each read once, apart, not
        # joined to every row and made again for it (a quarter of the page's read, measured).
        return (
            entries.select_related(None)
            .select_related("candidate", "syllabus")
            .prefetch_related("candidate__centre", "candidate__series")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return EntryCreateSerializer
        return super().get_serializer_class()

    def count_of(self, entries, exact_up_to: int) -> tuple[int, bool]:
        # An officer's, kept until their entries change (a centre's 20,000 counted once).
        return queries.counted(self.request.user, entries, self.series_filter(), exact_up_to)

    @extend_schema(request=EntryCreateSerializer, responses={201: EntrySerializer})
    @answers("404")  # a candidate not the centre's, as another centre's would be
    def create(self, request, *args, **kwargs):
        data = self.body(EntryCreateSerializer)
        centre = queries.acting_centre(request.user, data.get("centre"))
        candidate = get_object_or_404(
            Candidate,
            centre=centre,
            series=data["series"],
            candidate_number=data["candidate_number"],
        )
        entry = services.make_entry(
            candidate,
            syllabus_code=data["syllabus_code"],
            option_code=data["option_code"],
            accept_late_fee=data["accept_late_fee"],
            by=request.user,
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": EntryImportSerializer},
        responses={201: ImportCreatedSerializer, 400: ImportErrorsSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request):
        """A CSV of entries: every row valid and all saved (201 ``{"created": N}``), or
        nothing saved and 400 ``{"errors": [{"line", "message"}]}`` for every bad row."""
        data = self.body(EntryImportSerializer)
        centre = queries.acting_centre(request.user, data.get("centre"))
        outcome = services.import_entries(
            centre=centre,
            series=data["series"],
            stream=data["file"],
            accept_late_fee=data["accept_late_fee"],
            by=request.user,
        )
        if outcome.errors:
            return Response({"errors": outcome.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": outcome.created}, status=status.HTTP_201_CREATED)

    def _move(self, name: str):
        entry = self.get_object()
        authorize(entry, name, by=self.request.user)
        return entry

    @extend_schema(request=AmendSerializer, responses={200: EntrySerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        entry = self._move("amend")
        data = self.body(AmendSerializer)
        entry = services.amend_entry(entry, option_code=data["option_code"], by=request.user)
        return Response(EntrySerializer(entry).data)

    @extend_schema(request=None, responses={200: EntrySerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = services.withdraw_entry(self._move("withdraw"), by=request.user)
        return Response(EntrySerializer(entry).data)


@extend_schema_view(list=extend_schema(parameters=[SERIES_FILTER]))
@register("candidates", basename="candidate")
class CandidateViewSet(SeriesFiltered, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Candidates of the user's centres per series. Create one (the next free candidate
    number and a UCI are proposed when left out); ``proposal/?series=`` tells what they
    would be."""

    serializer_class = CandidateSerializer
    queryset = Candidate.objects.all()
    permission_classes = [IsAuthenticated, StaffMayRead]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Candidate.objects.none()
        # The order of the index of the centre's numbers per series (by the ids: a centre or
        # a series named alone would sort by its own ordering, the centre's number or the
        # series' release): a page is read from it in order, never by sorting every
        # candidate of the centre first.
        return queries.candidates_of(self.request.user, series=self.series_filter()).order_by(
            "centre_id", "series_id", "candidate_number"
        )

    def count_of(self, candidates, exact_up_to: int) -> tuple[int, bool]:
        # An officer's, kept until their candidates change (a centre's 5,000 counted once).
        return queries.counted(self.request.user, candidates, self.series_filter(), exact_up_to)

    def get_serializer_class(self):
        if self.action == "create":
            return CandidateCreateSerializer
        return super().get_serializer_class()

    @extend_schema(request=CandidateCreateSerializer, responses={201: CandidateSerializer})
    def create(self, request, *args, **kwargs):
        data = self.body(CandidateCreateSerializer)
        centre = queries.acting_centre(request.user, data.pop("centre", None))
        candidate = services.register_candidate(centre=centre, by=request.user, **data)
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("series", str, required=True, description="The series' code."),
            OpenApiParameter("centre", str, required=False, description="Your centre's number."),
        ],
        responses={200: ProposalSerializer, 400: ProposalErrorsSerializer},
    )
    @action(detail=False, methods=["get"])
    def proposal(self, request):
        """The next free candidate number of the centre's series and the UCI proposed with it."""
        query = ProposalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        series = query.validated_data["series"]
        centre = queries.acting_centre(request.user, query.validated_data.get("centre"))
        number = services.next_candidate_number(centre=centre, series=series)
        uci = services.proposed_uci(centre=centre, series=series, candidate_number=number)
        return Response({"candidate_number": number, "uci": uci})


@register("entry-submissions", basename="entry-submission")
class EntrySubmissionViewSet(mixins.CreateModelMixin, CaseViewSet):
    """A centre's entries sent for confirmation (clock ``entries.confirm``). Create with
    ``series`` (the provisional entries not yet sent); staff ``confirm/``."""

    model = EntrySubmission
    serializer_class = EntrySubmissionSerializer
    select_related = ("centre", "series")

    def get_serializer_class(self):
        if self.action == "create":
            return SubmitSerializer
        return super().get_serializer_class()

    @extend_schema(request=SubmitSerializer, responses={201: EntrySubmissionSerializer})
    def create(self, request, *args, **kwargs):
        data = self.body(SubmitSerializer)
        centre = queries.acting_centre(request.user, data.get("centre"))
        submission = services.submit_entries(centre=centre, series=data["series"], by=request.user)
        return self.answer(submission, status.HTTP_201_CREATED)

    @case_action()
    def confirm(self, request, case):
        return services.confirm_submission(case, by=request.user)
