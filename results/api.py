"""``/api/v1/results/``: officers read their centres' results from the release instant
(through the per-centre cache), staff read and correct them and load files."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from entries.models import Series
from portal.accounts.models import ApiToken
from portal.api import remembered
from portal.api.authentication import RememberedOfficerTokenAuthentication
from portal.api.pagination import BoundedCountPagination
from portal.api.router import register
from portal.permissions import is_staff_user
from portal.workflow import authorize, centre_ids_of
from results import queries, services
from results.models import Result
from results.serializers import (
    ResultFilters,
    ResultGradeChangeSerializer,
    ResultGradeSerializer,
    ResultImportSerializer,
    ResultReasonSerializer,
    ResultSerializer,
    ResultsImportedSerializer,
    for_api,
)

# A refused file answers its errors by line; a bad request (no file, an unknown series, a bad
# header) answers the usual field errors.
IMPORT_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "oneOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["line", "message"],
                        "properties": {
                            "line": {"type": "integer"},
                            "message": {"type": "string"},
                        },
                    },
                },
                {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            ]
        }
    },
}

FILTERS = [
    OpenApiParameter(name, description=f"Only this {name.replace('_', ' ')}.")
    for name in ("series", "centre", "syllabus_code", "candidate_number", "uci", "grade")
] + [OpenApiParameter("status", enum=Result.Status.values, description="Only this status.")]


def _move(name: str, body=None):
    """A staff move on one result: ``POST /api/v1/results/{id}/<name>/``."""

    def decorate(method):
        def view(self, request, pk=None):
            result = self.get_result()
            authorize(result, name, by=request.user)
            values = {}
            if body is not None:
                checked = body(data=request.data)
                checked.is_valid(raise_exception=True)
                values = dict(checked.validated_data)
            method(self, request, result, **values)
            return Response(self.row(result.pk))

        # The action's route is named after the function: name it before declaring it.
        view.__name__ = method.__name__
        view.__doc__ = method.__doc__
        view = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(view)
        view = extend_schema(request=body, responses=ResultSerializer)(view)
        view.case_move = name
        return view

    return decorate


@register("results", basename="result")
class ResultViewSet(viewsets.GenericViewSet):
    """Results: officers see their centres' from the series' release instant, never before;
    a result held by QA shows ``withheld`` with no grade."""

    model = Result
    serializer_class = ResultSerializer
    pagination_class = BoundedCountPagination
    queryset = Result.objects.none()

    def get_authenticators(self):
        # Reads by officers' tokens are the results-day load: a token remembered lately is
        # taken on one read of the person; everything else signs in as usual.
        authenticators = super().get_authenticators()
        schema = getattr(self, "swagger_fake_view", False)  # documented as the usual token
        if getattr(self.request, "method", None) == "GET" and not schema:
            return [RememberedOfficerTokenAuthentication(), *authenticators[1:]]
        return authenticators

    def get_throttles(self):
        # The officers' read is answered from the cache; a throttle would cost it two more
        # round trips to Redis per request. Everything else keeps the portal's throttles.
        if self.request.method == "GET" and not is_staff_user(self.request.user):
            return []
        return super().get_throttles()

    def finalize_response(self, request, response, *args, **kwargs):
        # Results are a person's own, in the API as on the pages, the CSV and the PDF.
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if is_staff_user(request.user) and not request.user.has_perm("results.view_result"):
            raise PermissionDenied("Your role does not work with results.")

    def _series(self, code: str | None) -> Series | None:
        if not code:
            return None
        series = queries.series_named(code)
        if series is None:
            raise serializers.ValidationError({"series": [f"There is no series {code}."]})
        return series

    @extend_schema(parameters=FILTERS, responses=ResultSerializer(many=True))
    def list(self, request):
        params = request.query_params
        if (
            not is_staff_user(request.user)
            and params.get("series")
            and set(params) <= queries.PAGE_PARAMETERS
        ):
            # Results day: what an MIS asks for, a series' page, answered whole from the
            # cache once released (built again after any change to what it shows).
            def build(series) -> bytes:
                response = self._list(request, series=series)
                return JSONRenderer().render(response.data)

            body = queries.officer_page(
                centre_ids_of(request.user),
                params["series"],
                now=timezone.now(),
                variant=queries.page_variant(request),
                build=build,
            )
            if body is not None:
                if isinstance(request.auth, ApiToken):
                    # The next request with this token may take the short way (below).
                    remembered.remember(request.auth, request.user, centre_ids_of(request.user))
                return HttpResponse(body, content_type="application/json")
        return self._list(request)

    def _list(self, request, series=None):
        given = ResultFilters(data=request.query_params)
        given.is_valid(raise_exception=True)
        wanted = dict(given.validated_data)
        code = wanted.pop("series", None)
        series = series or self._series(code)
        found = queries.visible(request.user, series=series, now=timezone.now())
        return self.page_of(queries.chosen(found, **wanted))

    def page_of(self, results) -> Response:
        """The page of ``chosen`` results that the request asks for, as the list answers it."""
        page = self.paginate_queryset(queries.ids(results))
        return self.get_paginated_response([for_api(row) for row in queries.rows_of(page)])

    def get_result(self) -> Result:
        pk = self.kwargs.get("pk", "")
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise NotFound()
        try:
            return Result.objects.visible_to(self.request.user).get(pk=pk)
        except Result.DoesNotExist:
            raise NotFound() from None

    def row(self, pk: int) -> dict:
        found = queries.visible(self.request.user, now=timezone.now()).filter(pk=pk)
        values = queries.rows(queries.chosen(found)).first()
        if values is None:
            raise NotFound()
        return for_api(queries.row_of(values))

    @extend_schema(responses=ResultSerializer)
    def retrieve(self, request, pk=None):
        return Response(self.row(self.get_result().pk))

    @extend_schema(
        request={"multipart/form-data": ResultImportSerializer},
        responses={201: ResultsImportedSerializer, 400: IMPORT_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def load(self, request):
        """Load a series' results from a CSV file (``centre,candidate_number,syllabus_code,
        grade``, optional ``component_XX`` mark columns; grade ``Q`` pending, ``X`` no
        result): every row, or none and an error for every bad line."""
        if not request.user.has_perm("results.add_result"):
            raise PermissionDenied("Only the results team loads results.")
        body = ResultImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        series = self._series(body.validated_data["series"])
        try:
            outcome = services.import_results(
                body.validated_data["file"], series=series, by=request.user
            )
        except services.ImportRefused as refused:
            return Response({"errors": refused.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": outcome.created, "updated": outcome.updated},
            status=status.HTTP_201_CREATED,
        )

    @_move("withhold", ResultReasonSerializer)
    def withhold(self, request, result, *, reason):
        services.withhold_result(result, by=request.user, reason=reason)

    @_move("issue", ResultGradeSerializer)
    def issue(self, request, result, *, grade, reason):
        services.issue_result(result, grade=grade, by=request.user, reason=reason)

    @_move("mark_no_result", ResultReasonSerializer)
    def mark_no_result(self, request, result, *, reason):
        services.mark_no_result(result, by=request.user, reason=reason)

    @_move("change_grade", ResultGradeChangeSerializer)
    def change_grade(self, request, result, *, grade, reason):
        services.change_grade(result, grade=grade, by=request.user, reason=reason)
