from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.accounts import services
from portal.accounts.lockout import lockout_message
from portal.api.authentication import STAFF_NEED_TWO_FACTOR, staff_need_two_factor


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(max_length=8, required=False, allow_blank=True)


class TokenView(APIView):
    """Exchange a username and password (and a two-factor code, if enrolled) for a token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
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
        if user.has_two_factor:
            services.verify_second_factor(user, code=payload.validated_data.get("otp", ""))
        elif staff_need_two_factor(user):
            return Response({"detail": STAFF_NEED_TWO_FACTOR}, status=status.HTTP_403_FORBIDDEN)
        token = services.issue_api_token(user)
        return Response({"token": token.key})
