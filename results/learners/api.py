"""Learner accounts for officers (``/api/v1/learner-accounts/``) and the learner's own
results (``/api/v1/learner/results/``), as contract 1.2 gives them."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from entries.models import Series
from entries.queries import acting_centre
from portal.api.authentication import VerifiedSessionAuthentication
from portal.api.pagination import BoundedCountPagination
from portal.api.router import register
from portal.api.schema import answers
from portal.permissions import is_staff_user
from results import queries
from results.learners import remembered, services
from results.learners.models import LearnerAccount
from results.serializers import ResultSerializer, for_api


class IsLearner(BasePermission):
    message = "Only a learner signed in with their own account sees this."

    def has_permission(self, request, view):
        return services.is_learner(request.user)


class NotLearner(BasePermission):
    message = "A learner's account sees only its own results."

    def has_permission(self, request, view):
        return not services.is_learner(request.user)


class LearnerAccountSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = LearnerAccount
        fields = ["id", "username", "uci", "email"]
        read_only_fields = fields


class NewLearnerAccountSerializer(serializers.Serializer):
    series = serializers.CharField(max_length=10)
    candidate_number = serializers.CharField(max_length=4)
    email = serializers.CharField(max_length=services.EMAIL_MAX)
    centre = serializers.CharField(
        max_length=10, required=False, help_text="Staff, or an officer of several centres."
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language of the invitation (British English unless given).",
    )

    def validate_series(self, code):
        series = Series.objects.filter(code=code).first()
        if series is None:
            raise serializers.ValidationError(f"There is no series {code}.")
        return series


@register("learner-accounts", basename="learner-account")
class LearnerAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Learners given their own sign-in by the centre: list, give (201, or 200 with the
    candidate's account when they have one), re-send the invitation, withdraw."""

    serializer_class = LearnerAccountSerializer
    permission_classes = [IsAuthenticated, NotLearner]
    pagination_class = BoundedCountPagination
    queryset = LearnerAccount.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LearnerAccount.objects.none()
        found = LearnerAccount.objects.active().select_related("user")
        if not is_staff_user(self.request.user):
            found = found.visible_to(self.request.user, listed=True)
        return found.order_by("pk")

    @extend_schema(
        request=NewLearnerAccountSerializer,
        responses={201: LearnerAccountSerializer, 200: LearnerAccountSerializer},
    )
    @answers("404")  # a candidate not the centre's, as another centre's would be
    def create(self, request):
        body = NewLearnerAccountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        centre = acting_centre(request.user, data.get("centre"))
        account, created = services.give_access(
            centre=centre,
            series=data["series"],
            candidate_number=data["candidate_number"],
            email=data["email"],
            language=data.get("language", ""),
            by=request.user,
        )
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(LearnerAccountSerializer(account).data, status=answer)

    @extend_schema(request=None, responses={200: LearnerAccountSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        account = self.get_object()
        services.resend_invitation(account, by=request.user)
        return Response(LearnerAccountSerializer(account).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        services.withdraw_access(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise Http404()
        return super().get_object()


@register("learner/results", basename="learner-result")
class LearnerResultViewSet(viewsets.GenericViewSet):
    """The learner's own results with the fields of ``/api/v1/results/``: none before the
    series' release instant; ``withheld`` with no grade where QA holds them."""

    serializer_class = ResultSerializer
    permission_classes = [IsAuthenticated, IsLearner]
    pagination_class = BoundedCountPagination
    queryset = LearnerAccount.objects.none()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses=ResultSerializer(many=True))
    def list(self, request):
        account = services.learner_account_of(request.user)
        plain = not request.query_params
        # Read before the results, so that a change while they are read leaves the page stale.
        built = remembered.stamps([account.centre_id]) if plain else None
        now = timezone.now()
        found = services.results_of(account, now=now)
        page = self.paginate_queryset(queries.ids(queries.chosen(found)))
        response = self.get_paginated_response([for_api(row) for row in queries.rows_of(page)])
        if plain:
            self._remember(request, account, response, built, now)
        return response

    def _remember(self, request, account, response, built, now):
        """The session remembered (a learner's own, checked from when this request began),
        and the page kept when it is the learner's whole answer, for the short way."""
        checked = getattr(request._request, "started_at", None)
        by_session = isinstance(request.successful_authenticator, VerifiedSessionAuthentication)
        if by_session and checked is not None and not request.user.is_staff:
            services.remember_session(request.session.session_key, account, checked=checked)
        if built is not None and not response.data["next"] and not response.data["previous"]:
            services.keep_page(account, response.data, built, now=now)
