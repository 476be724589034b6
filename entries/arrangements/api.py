from rest_framework import mixins, status

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from entries.arrangements.serializers import (
    AccessArrangementCreateSerializer,
    AccessArrangementSerializer,
    AppealSerializer,
    GroundsSerializer,
    SpecialConsiderationCreateSerializer,
    SpecialConsiderationSerializer,
)
from entries.arrangements.steps import ACCESS, APPEAL, CONSIDERATION
from entries.models import Syllabus
from portal.api.router import register
from portal.cases.api import CaseViewSet, case_action
from portal.cases.services import applying_centre
from portal.errors import PortalError


class _ApplicationViewSet(mixins.CreateModelMixin, CaseViewSet):
    create_serializer_class = None

    def get_queryset(self):
        return super().get_queryset().prefetch_related("appeals", "files")

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        data = self.body(self.create_serializer_class)
        centre = applying_centre(request.user, chosen=data.pop("centre", None))
        case = self.apply(centre=centre, by=request.user, **data)
        return self.answer(case, status.HTTP_201_CREATED)

    @case_action(request=GroundsSerializer)
    def appeal(self, request, case, *, grounds):
        """Appeal against the outcome: stage 1, or stage 2 within 14 days of stage 1's
        outcome. Answers the case with its appeals."""
        services.lodge_appeal(case, grounds=grounds, by=request.user)
        return self.get_queryset().get(pk=case.pk)


@register("access-arrangements", basename="access-arrangement")
@ACCESS.api
class AccessArrangementViewSet(_ApplicationViewSet):
    """Access arrangements of the user's centres (staff whose role works with them: all).

    Those a centre grants itself (``extra_time_25``, ``word_processor``, ``rest_breaks``) are
    ``approved`` at once with no clock; the others are ``received`` with ``aa.acknowledge``,
    then ``acknowledged``, then ``approved`` or ``declined``. Those needing approval are
    refused after the series' access arrangements deadline. Filters: ``status``,
    ``centre``, ``due``, ``open``, ``arrangement``, ``series``.
    """

    model = AccessArrangement
    serializer_class = AccessArrangementSerializer
    create_serializer_class = AccessArrangementCreateSerializer
    select_related = ("centre", "series", "candidate")
    filters = {"arrangement": "arrangement", "series": "series__code"}

    def apply(self, **data):
        return services.apply_for_access_arrangement(**data)


@register("special-considerations", basename="special-consideration")
@CONSIDERATION.api
class SpecialConsiderationViewSet(_ApplicationViewSet):
    """Special consideration of the user's centres (staff whose role works with it: all).

    Applied for within 7 days of the syllabus's last paper in the series (a syllabus with
    no timetabled paper: until results are released); ``category`` defaults to
    ``present_disadvantaged``; an ``absent`` candidate needs ``half_completed``. Clock
    ``sc.process``; decided ``granted`` (with ``adjustment_percent``) or ``not_granted``.
    Filters: ``status``, ``centre``, ``due``, ``open``, ``category``, ``series``,
    ``syllabus_code``.
    """

    model = SpecialConsideration
    serializer_class = SpecialConsiderationSerializer
    create_serializer_class = SpecialConsiderationCreateSerializer
    select_related = ("centre", "series", "candidate", "syllabus")
    filters = {"category": "category", "series": "series__code", "syllabus_code": "syllabus__code"}

    def apply(self, *, syllabus_code, **data):
        syllabus = Syllabus.objects.filter(code=syllabus_code).first()
        if syllabus is None:
            raise PortalError("No syllabus has that code.", field="syllabus_code")
        return services.apply_for_special_consideration(syllabus=syllabus, **data)


@register("appeals", basename="appeal")
@APPEAL.api
class AppealViewSet(CaseViewSet):
    """Appeals against access-arrangement and special-consideration outcomes, lodged with
    ``POST …/{reference}/appeal/`` on the case. Clock ``appeal.outcome``; decided by staff
    who took no part in the decision appealed against nor in an earlier stage (403
    otherwise). Filters: ``status``, ``centre``, ``due``, ``open``.
    """

    model = Appeal
    serializer_class = AppealSerializer
    select_related = (
        "centre",
        "access_arrangement",
        "special_consideration",
        "access_arrangement__series",
        "special_consideration__series",
    )
