from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status

from complaints.helpdesk import services
from complaints.helpdesk.models import Query
from complaints.helpdesk.serializers import (
    QueryAnswerSerializer,
    QueryComplaintSerializer,
    QueryCreateSerializer,
    QueryReferSerializer,
    QuerySerializer,
)
from portal.api.router import register
from portal.cases.api import CaseViewSet, case_action
from portal.cases.services import applying_centre


@register("queries", basename="query")
class QueryViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Queries of the user's centres (staff whose role works with them: all).

    An officer asks with ``subject`` and ``body`` (optionally ``syllabus_code`` and
    ``candidate_number``); customer services may ask on a centre's behalf with ``centre``.
    Clock ``query.answer`` starts at creation; ``answer`` stops it, ``refer`` passes the
    query to a specialist team's queue while it runs on. Filters: ``status``, ``centre``,
    ``due``, ``open``, ``referred_to``.
    """

    model = Query  # type: ignore[assignment]  # the base names none
    serializer_class = QuerySerializer
    select_related = ("centre", "syllabus", "candidate", "complaint")
    filters = {"referred_to": "referred_to"}

    def get_serializer_class(self):
        if self.action == "create":
            return QueryCreateSerializer
        return super().get_serializer_class()

    @extend_schema(request=QueryCreateSerializer, responses={201: QuerySerializer})
    def create(self, request, *args, **kwargs):
        services.refuse_asking_for_others(request.user)
        data = self.body(QueryCreateSerializer)
        centre = applying_centre(request.user, chosen=data.pop("centre", None))
        case = services.open_query(centre=centre, by=request.user, **data)
        return self.answer(case, status.HTTP_201_CREATED)

    # Not ``answer``: the viewset's ``answer`` sends a case back.
    @case_action(request=QueryAnswerSerializer, move="answer", url_path="answer")
    def answer_query(self, request, case, *, response):
        return services.answer_query(case, by=request.user, response=response)

    @case_action(request=QueryReferSerializer)
    def refer(self, request, case, *, role):
        return services.refer_query(case, by=request.user, role=role)

    @case_action(
        request=QueryComplaintSerializer, move="take-as-complaint", url_path="take-as-complaint"
    )
    def take_as_complaint(self, request, case, *, category, formal=True):
        return services.take_as_complaint(case, by=request.user, category=category, formal=formal)
