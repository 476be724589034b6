from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from centres import services
from centres.serializers import (
    CentreDetailsSerializer,
    CentreSerializer,
    InvitationSerializer,
    MemberSerializer,
    NewInvitationSerializer,
)
from portal.api.router import register
from portal.api.schema import answers
from portal.centres.models import Centre

USERNAME = OpenApiParameter("username", str, OpenApiParameter.PATH, description="Their username.")
INVITATION = OpenApiParameter(
    "invitation_id", int, OpenApiParameter.PATH, description="The invitation's id."
)


@register("centres", basename="centre")
class CentreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Centres: an exams officer sees their own, staff see all. A centre's officers change
    its details (``PATCH``), see and remove its users, and invite colleagues by email."""

    serializer_class = CentreSerializer
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9]+"

    def get_queryset(self):
        return Centre.objects.visible_to(self.request.user).order_by("number")

    @extend_schema(request=CentreDetailsSerializer, responses=CentreSerializer)
    def partial_update(self, request, number=None):
        """Change the centre's ``name``, ``email`` or ``timezone`` (each change is audited)."""
        centre = self.get_object()
        given = CentreDetailsSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values = {"name": centre.name, "email": centre.email, "timezone": centre.timezone}
        values.update(given.validated_data)
        centre = services.update_centre_details(
            centre,
            by=request.user,
            name=values["name"],
            email=values["email"],
            timezone_name=values["timezone"],
        )
        return Response(CentreSerializer(centre, context=self.get_serializer_context()).data)

    @extend_schema(responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=MemberSerializer)
    def users(self, request, number=None):
        """The centre's users: its exams officers and head of centre."""
        centre = self.get_object()
        members = centre.memberships.select_related("user").order_by("user__username", "pk")
        page = self.paginate_queryset(members)
        return self.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(parameters=[USERNAME], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"users/(?P<username>[\w.@+-]+)",
        url_name="user",
    )
    @answers("409")
    def remove_user(self, request, number=None, username=None):
        """Take a person off the centre (never its last exams officer: 409)."""
        centre = self.get_object()
        membership = get_object_or_404(
            centre.memberships.select_related("user", "centre"), user__username=username
        )
        services.remove_member(membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=InvitationSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=NewInvitationSerializer, responses={201: InvitationSerializer}
    )
    @action(detail=True, methods=["get", "post"], serializer_class=InvitationSerializer)
    def invitations(self, request, number=None):
        """Invitations waiting for an answer; ``POST`` ``{"email", "role"}`` invites someone
        (an earlier invitation to the same address stops working)."""
        centre = self.get_object()
        if request.method == "POST":
            body = NewInvitationSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            invitation, _ = services.invite_colleague(
                centre, by=request.user, **body.validated_data
            )
            return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
        waiting = centre.invitations.pending().select_related("invited_by")
        page = self.paginate_queryset(waiting)
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(parameters=[INVITATION], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"invitations/(?P<invitation_id>[0-9]+)",
        url_name="invitation",
    )
    @answers("409")
    def withdraw_invitation(self, request, number=None, invitation_id=None):
        """Withdraw an invitation: its link stops working (409 once accepted)."""
        centre = self.get_object()
        invitation = get_object_or_404(centre.invitations, pk=invitation_id)
        services.withdraw_invitation(invitation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
