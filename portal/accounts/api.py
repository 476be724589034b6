from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts import services
from portal.accounts.lockout import lockout_message
from portal.accounts.models import ApiToken
from portal.api.authentication import STAFF_NEED_TWO_FACTOR, staff_need_two_factor
from portal.api.router import register
from portal.api.throttling import TokenAddressThrottle, TokenUserThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The code of the authenticator app, or one of the recovery codes.",
    )
    device_name = serializers.CharField(
        max_length=services.DEVICE_NAME_MAX,
        required=False,
        allow_blank=True,
        help_text="What the token is for, e.g. 'School MIS'. Defaults to the User-Agent.",
    )


class TokenView(APIView):
    """Exchange a username and password (and a two-factor code, if enrolled) for a token.

    Each call issues a new token for one device; it expires after API_TOKEN_TTL_HOURS and
    ends earlier if revoked, when the password changes, or when two-factor sign-in is set up.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    # Per address and per username: a school behind one address is not held up by one of
    # its people retrying, and a username is not tried faster from many addresses.
    throttle_classes = [TokenAddressThrottle, TokenUserThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            )
        },
        auth=[],
    )
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # django-axes watches authenticate(): it needs the plain HttpRequest to count
        # failures by username and address and to refuse a locked-out username.
        http_request = request._request
        user = authenticate(
            http_request,
            username=payload.validated_data["username"],
            password=payload.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response(
                {
                    "errors": {
                        "non_field_errors": ["Unable to sign in with that username and password."]
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        two_factor = user.has_two_factor
        if two_factor:
            services.verify_second_factor(user, code=payload.validated_data.get("otp", ""))
        elif staff_need_two_factor(user):
            return Response({"detail": STAFF_NEED_TWO_FACTOR}, status=status.HTTP_403_FORBIDDEN)
        token, key = services.issue_api_token(
            user,
            device_name=services.device_name_from(
                given=payload.validated_data.get("device_name", ""),
                user_agent=http_request.headers.get("User-Agent", ""),
            ),
            two_factor=two_factor,
        )
        # A complete sign-in, as in the browser: django-axes forgets the earlier failures
        # (AXES_RESET_ON_SUCCESS) and the last sign-in is recorded.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response(
            {"token": key, "expiry": serializers.DateTimeField().to_representation(token.expiry)}
        )


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    created_at = serializers.DateTimeField(source="created", read_only=True)
    expires_at = serializers.DateTimeField(source="expiry", read_only=True)
    current = serializers.SerializerMethodField(
        help_text="Whether this is the token the request was made with."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "device_name", "created_at", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


@register("auth/tokens", basename="api-token-device")
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in person's own API tokens, one per device; never the token itself.

    DELETE revokes one token; ``POST revoke-all/`` revokes every one (this one too).
    """

    serializer_class = ApiTokenSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return ApiToken.objects.of(self.request.user).live()

    def perform_destroy(self, instance):
        services.revoke_api_token(instance)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("TokensRevoked", {"revoked": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request):
        return Response({"revoked": services.end_api_tokens(request.user)})
