from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.router import register
from portal.notifications import services
from portal.notifications.kinds import kind_choices
from portal.notifications.models import Notification
from portal.notifications.serializers import (
    NotificationFilterSerializer,
    NotificationSerializer,
    PreferencesSerializer,
)


def _preferences(user) -> dict:
    return {
        "email_kinds": services.emailed_kinds(user),
        "kinds": [{"code": code, "label": label} for code, label in kind_choices()],
    }


@extend_schema_view(list=extend_schema(parameters=[NotificationFilterSerializer]))
@register("notifications", basename="notification")
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in person's own notices, newest first. Anyone else's answers 404."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema is drawn without a signed-in person.
            return Notification.objects.none()
        notices = Notification.objects.for_user(self.request.user)
        if self.action != "list":
            return notices
        given = NotificationFilterSerializer(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        if given.validated_data["unread"] is not None:
            notices = notices.filter(read_at__isnull=given.validated_data["unread"])
        if kind := given.validated_data.get("kind"):
            notices = notices.filter(kind=kind)
        return notices

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(self.get_object(), by=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.mark_all_read(request.user)
        return Response({"marked": marked})

    @extend_schema(
        methods=["GET"],
        responses=PreferencesSerializer,
        description="Which kinds of notice come by email as well as to the inbox.",
    )
    @extend_schema(
        methods=["PUT"],
        request=PreferencesSerializer,
        responses=PreferencesSerializer,
        description="Choose the kinds that come by email; every other kind comes to the "
        "inbox only. An empty list means no email at all.",
    )
    @action(detail=False, methods=["get", "put"], pagination_class=None)
    def preferences(self, request):
        if request.method == "PUT":
            given = PreferencesSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            services.set_emailed_kinds(request.user, kinds=given.validated_data["email_kinds"])
        return Response(PreferencesSerializer(_preferences(request.user)).data)
