from complaints.helpdesk.models import Query
from complaints.helpdesk.serializers import QuerySerializer
from complaints.helpdesk.steps import OPENING, STEPS
from portal.api.router import register
from portal.cases.api import CaseViewSet


@register("queries", basename="query")
@STEPS.api
@OPENING.api
class QueryViewSet(CaseViewSet):
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
