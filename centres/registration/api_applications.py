"""``/api/v1/centre-applications/``: the applicant sees their own application, the
registration team all; the team's moves ``schedule-visit``, ``judge``,
``request-improvements`` and ``approve``, the applicant's ``submit``, ``resubmit`` and
``withdraw``."""

from centres.registration import services
from centres.registration.applications import CentreApplication
from centres.registration.serializers_applications import (
    ApplicationDecisionSerializer,
    ApplicationJudgeSerializer,
    CentreApplicationSerializer,
    ScheduleVisitSerializer,
    StaffCentreApplicationSerializer,
)
from portal.api.router import register
from portal.cases.api import CaseViewSet, case_action


@register("centre-applications", basename="centre-application")
class CentreApplicationViewSet(CaseViewSet):
    """Applications to become a centre: the applicant's own (404 for any other), every one
    for the registration team. Filters: ``status``, ``centre``, ``due``, ``open``,
    ``country``."""

    model = CentreApplication
    serializer_class = CentreApplicationSerializer
    staff_serializer_class = StaffCentreApplicationSerializer
    select_related = ("centre", "applicant", "visitor")
    filters = {"country": "country"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("rounds__assessments__files")

    @case_action()
    def submit(self, request, case):
        return services.submit_application(case, by=request.user)

    @case_action()
    def resubmit(self, request, case):
        return services.resubmit_application(case, by=request.user)

    @case_action()
    def withdraw(self, request, case):
        return services.withdraw_application(case, by=request.user)

    @case_action(request=ScheduleVisitSerializer, move="schedule-visit")
    def schedule_visit(self, request, case, *, date, mode, visitor=None):
        return services.schedule_visit(case, by=request.user, date=date, mode=mode, visitor=visitor)

    @case_action(request=ApplicationJudgeSerializer)
    def judge(self, request, case, *, judgements):
        return services.record_judgements(case, by=request.user, judgements=judgements)

    @case_action(request=ApplicationDecisionSerializer, move="request-improvements")
    def request_improvements(self, request, case, *, judgements, note):
        return services.request_improvements(
            case, by=request.user, judgements=judgements, note=note
        )

    @case_action(request=ApplicationDecisionSerializer)
    def approve(self, request, case, *, judgements, note):
        return services.approve_application(case, by=request.user, judgements=judgements, note=note)
