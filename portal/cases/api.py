"""The API of every case type: a viewset base, its filters (in the schema), one decorator per
move, and the serializer fields the contract gives every case.

A case type's viewset declares its model, serializers, extra filters and one
``@case_action(...)`` method per move; listing, the detail, visibility (404 for another
centre's case, 403 for staff whose role does not work with this kind of case), the filters,
``deadlines``, ``actions`` and the error shapes come from here.
"""

from functools import wraps
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from portal.api.fields import InstantField
from portal.api.writing import WritesPages
from portal.cases.models import DUE_WINDOWS, role_refuses
from portal.centres.models import Centre
from portal.centres.numbers import CENTRE_NUMBER, CENTRE_NUMBER_MESSAGE
from portal.permissions import centres_visible_to, is_staff_user
from portal.sla.models import DEADLINES, attach_deadlines, deadlines_of, with_deadlines
from portal.sla.serializers import DeadlinesField
from portal.workflow import actions_for, authorize


class MayWorkWithCases(BasePermission):
    """Staff reach a kind of case only if their role works with it (``view_<model>``)."""

    message = "Your role does not work with these cases."

    def has_permission(self, request, view):
        if getattr(view, "swagger_fake_view", False):
            return True
        return not role_refuses(request.user, view.model)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class ActionsField(serializers.Field):
    """The moves the person asking may make now, by name (``["acknowledge", ...]``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, case):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return []
        return self.names(user, case)

    @staticmethod
    def names(user, case) -> list[str]:
        """The moves ``user`` may make on ``case`` now, by name: the field's answer."""
        return [m.name for m in actions_for(user, case)]


class CaseSerializer(WritesPages, serializers.ModelSerializer):
    """``reference``, ``status``, ``centre`` (its number), ``created_at``, ``deadlines`` and
    ``actions``; a case type's serializer extends ``Meta.fields``."""

    centre = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    deadlines = DeadlinesField()
    actions = ActionsField(help_text="The moves you may make on this case now.")

    # Every instant of a case (its own and its clocks') written by one field (InstantField).
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: InstantField,
    }

    class Meta:
        fields = ["reference", "status", "centre", "created_at", "deadlines", "actions"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if isinstance(field, serializers.ChoiceField) and field.read_only:
                # DRF drops allow_blank from read-only fields; the schema needs it to say
                # that a blank choice (no root cause yet) comes back as "".
                model_field = _model_field(self.Meta.model, field.source or name)
                if model_field is not None:
                    field.allow_blank = model_field.blank
                    field.allow_null = model_field.null
            elif isinstance(field, serializers.RelatedField) and field.read_only:
                # A person or row the case may not have yet (no one assigned, no visitor):
                # the schema says the answer may be null, as it is.
                model_field = _model_field(self.Meta.model, field.source or name)
                if model_field is not None and model_field.null:
                    field.allow_null = True
            elif isinstance(field, serializers.EmailField) and field.read_only:
                # An address the case may not have (a centre's complaint has none): "" is
                # answered, which the email format would not allow.
                model_field = _model_field(self.Meta.model, field.source or name)
                if model_field is not None and model_field.blank:
                    fields[name] = serializers.CharField(
                        source=field.source, read_only=True, help_text=field.help_text
                    )
        return fields


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class CentreField(serializers.SlugRelatedField):
    """The centre a case is opened for, by its number, among those the person asking may
    see: another centre's number is refused exactly like a number that does not exist. Left
    out, the officer's one centre is meant (``applying_centre``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", "The centre's number; may be left out by an officer of one centre."
        )
        super().__init__(
            slug_field="number", queryset=Centre.objects.all(), required=False, **kwargs
        )

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        return centres_visible_to(request.user)


class CaseFilters(serializers.Serializer):
    """The query string every case list understands."""

    centre = serializers.RegexField(
        CENTRE_NUMBER, required=False, error_messages={"invalid": CENTRE_NUMBER_MESSAGE}
    )
    due = serializers.ChoiceField(choices=list(DUE_WINDOWS), required=False)
    open = serializers.BooleanField(required=False, allow_null=True, default=None)


# The filters every case type's list takes (``CaseFilterBackend``), before its own.
COMMON_FILTERS = ("status", *CaseFilters._declared_fields)


class CaseFilterBackend(BaseFilterBackend):
    """``status``, ``centre``, ``due`` (overdue, today, week), ``open`` and the view's own
    ``filters`` (``{param: lookup}``, enums from the model field's choices); a bad value is
    a 400 naming the parameter, never an empty list."""

    def _extra(self, view, request) -> dict[str, str]:
        # Filters on what only staff see are honoured for staff alone, so that an officer
        # cannot probe (staff usernames, say) by filtering.
        extra = dict(getattr(view, "filters", {}))
        if is_staff_user(request.user):
            extra.update(getattr(view, "staff_filters", {}))
        return extra

    def _choices(self, view, lookup: str):
        """The values a filter on a field of the case's own may take; none through a
        relation (``centre__number``), which is free text checked by its own rule."""
        if "__" in lookup:
            return None
        field = _model_field(view.model, lookup)
        if field is None or not field.choices:
            return None
        return [value for value, _ in field.choices]

    def filter_queryset(self, request, queryset, view):
        if view.action != "list":
            return queryset
        given = CaseFilters(data=request.query_params)
        errors = {} if given.is_valid() else dict(given.errors)
        values = given.validated_data if not errors else {}
        wanted = {"status": "status", **self._extra(view, request)}
        lookups = {}
        for param, lookup in wanted.items():
            value = request.query_params.get(param)
            if not value:
                continue
            choices = self._choices(view, lookup)
            if choices and value not in choices:
                errors[param] = [f"Choose one of: {', '.join(choices)}."]
            elif len(value) > 150:
                errors[param] = ["At most 150 characters."]
            else:
                lookups[lookup] = view.filter_value(param, value)
        if errors:
            raise serializers.ValidationError(errors)
        queryset = queryset.filter(**lookups)
        if values.get("centre"):
            queryset = queryset.filter(centre__number=values["centre"])
        if values.get("open") is True:
            queryset = queryset.open()
        elif values.get("open") is False:
            queryset = queryset.exclude(status__in=view.model.OPEN_STATUSES)
        if values.get("due"):
            return queryset.due_within(values["due"])
        return queryset

    def get_schema_operation_parameters(self, view):
        if view.action != "list":
            # An action that answers an array (a case's messages) is filtered by none of these.
            return []
        staff_filters = getattr(view, "staff_filters", {})
        params = [
            _param("status", "Only this status.", enum=self._choices(view, "status")),
            _param("centre", "Only this centre's cases (its number, e.g. GB001)."),
            _param(
                "due",
                "Overdue now, due by the end of today (London) or within a week; nearest first.",
                enum=list(DUE_WINDOWS),
            ),
            _param("open", "Only open cases (true) or finished ones (false).", boolean=True),
        ]
        for param, lookup in {**getattr(view, "filters", {}), **staff_filters}.items():
            described = "Staff only." if param in staff_filters else f"Only this {param}."
            params.append(_param(param, described, enum=self._choices(view, lookup)))
        return params


def _param(name: str, description: str, *, enum=None, boolean: bool = False) -> dict:
    schema = {"type": "boolean" if boolean else "string"}
    if enum:
        schema["enum"] = list(enum)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Base of a case type's API. Declare ``model``, ``serializer_class`` (what officers see),
    optionally ``staff_serializer_class``, ``filters`` / ``staff_filters`` and
    ``select_related``; add ``@case_action`` methods."""

    model = None
    staff_serializer_class = None
    filters: dict[str, str] = {}
    staff_filters: dict[str, str] = {}
    select_related: tuple[str, ...] = ("centre",)
    lookup_field = "reference"
    lookup_value_regex = "[A-Z]+-[0-9]{4}-[0-9]+"
    permission_classes = [IsAuthenticated, MayWorkWithCases]
    filter_backends = [CaseFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        cases = (
            self.model.objects.visible_to(self.request.user, listed=True)
            .select_related(*self.select_related)
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            return cases  # a page's clocks are read as rows (``list``)
        return cases.prefetch_related(*with_deadlines(rules=False))

    def list(self, request, *args, **kwargs):
        """A page of cases, written from rows of their columns (``CaseRows``) where the
        serializer's every field can be; else from the cases themselves, their clocks read
        as rows all the same."""
        cases = self.filter_queryset(self.get_queryset())
        plan = CaseRows.of(self.get_serializer_class(), self.model)
        if plan is None:
            page = self.paginate_queryset(cases)
            if page is None:
                page = list(cases)
            attach_deadlines(page)
            data = self.get_serializer(page, many=True).data
        else:
            page = self.paginate_queryset(cases.values(*plan.columns))
            if page is None:
                page = list(cases.values(*plan.columns))
            data = plan.written(page, db=cases.db, user=request.user)
        if self.paginator is None:
            return Response(data)
        return self.get_paginated_response(data)

    def filter_value(self, param: str, value: str) -> str:
        """The value a filter compares with; ``assigned_to=me`` and the like override this."""
        return value

    def case_serializer_class(self):
        if self.staff_serializer_class is not None and is_staff_user(self.request.user):
            return self.staff_serializer_class
        return self.serializer_class

    def get_serializer_class(self):
        if self.action in ("list", "retrieve") or getattr(self, "swagger_fake_view", False):
            return self.case_serializer_class()
        return super().get_serializer_class()

    def answer(self, case, code=status.HTTP_200_OK):
        serializer = self.case_serializer_class()(case, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    def body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class CaseRows:
    """A case serializer's answer written from a row of ``values()``, to the byte as the
    serializer writes it from the case: each field a column of the case's own (written by
    the field, None as None), a related row's column that a ``SlugRelatedField`` names (as
    it is), or the case's ``deadlines`` and ``actions``, written by their fields from a case
    made of the row's own columns (what the moves read: status, centre, owner) and its
    clocks read as rows. Answered from the cases, most of a page of fifty staff complaints'
    time went to making the cases and their related rows and asking each of their
    thirty-four fields for its value (measured). A serializer with any other field (a method,
    a nested list), or whose fields are its own to choose (``get_fields``), is written from
    the cases (``of`` answers None). A serializer's plan is made once, from its fields made
    once: none of them but ``actions`` reads the request, and ``actions`` is written here
    for the person asking, as its field writes it."""

    _made: dict[tuple[type, type], "CaseRows | None"] = {}

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.steps: list[tuple[str, str | None, Any]] = []
        pk = model._meta.pk
        assert pk is not None
        self.pk = pk.attname
        # What a case made of the row needs: its key, and what the moves read.
        owner = getattr(model, "OWNER_FIELD", None)
        wanted = {self.pk, "status", "centre", *([owner] if owner else [])}
        self.case_columns = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name in wanted or f.attname in wanted
        ]
        self.columns = list(self.case_columns)

    @classmethod
    def of(cls, serializer_class: type[serializers.Serializer], model: Any) -> "CaseRows | None":
        key = (serializer_class, model)
        if key not in cls._made:
            cls._made[key] = cls._make(serializer_class, model)
        return cls._made[key]

    @classmethod
    def _make(cls, serializer_class: type[serializers.Serializer], model: Any) -> "CaseRows | None":
        if (
            serializer_class.to_representation is not serializers.Serializer.to_representation
            or serializer_class.get_fields is not CaseSerializer.get_fields
        ):
            return None
        plan = cls(model)
        concrete = {f.name: f for f in model._meta.concrete_fields}
        for field in serializer_class(context={})._readable_fields:
            name = field.field_name
            if isinstance(field, ActionsField):
                plan.steps.append((name, None, None))  # for the person asking: ``written``
                continue
            if isinstance(field, DeadlinesField):
                plan.steps.append((name, None, field.to_representation))
                continue
            source = concrete.get(field.source_attrs[0]) if len(field.source_attrs) == 1 else None
            if source is None:
                return None
            if isinstance(field, serializers.SlugRelatedField) and source.is_relation:
                if "." in field.slug_field or "__" in field.slug_field:
                    return None
                column = f"{source.name}__{field.slug_field}"
                plan.steps.append((name, column, None))  # as the related row holds it
            elif type(field).get_attribute is serializers.Field.get_attribute and not (
                source.is_relation
            ):
                column = source.attname
                plan.steps.append((name, column, field.to_representation))
            else:
                return None
            if column not in plan.columns:
                plan.columns.append(column)
        return plan

    def written(self, rows: list[dict[str, Any]], *, db: str, user: Any) -> list[dict[str, Any]]:
        deadlines = deadlines_of(self.model, [row[self.pk] for row in rows])
        answers = []
        for row in rows:
            case = self.model.from_db(db, self.case_columns, [row[c] for c in self.case_columns])
            setattr(case, DEADLINES, deadlines.get(row[self.pk], []))
            answer = {}
            for name, column, write in self.steps:
                if column is None:
                    # ``ActionsField``'s answer, for the person asking; else the field's.
                    answer[name] = ActionsField.names(user, case) if write is None else write(case)
                    continue
                value = row[column]
                answer[name] = value if value is None or write is None else write(value)
            answers.append(answer)
        return answers


def case_action(*, request=None, move: str | None = None, url_path: str | None = None, **schema):
    """Declare one move of the case's life cycle as ``POST …/{reference}/{name}/``.

    The decorated method is ``(self, request, case, **body) -> case``: it calls the service.
    Before it runs: the case is found (404 for another centre's), the move's table is asked
    whether this person may make it (403 before the body is read), and the body is checked
    with ``request`` (a serializer class; 400 with field errors). The answer is the case.
    """

    def decorate(method):
        name = move or method.__name__

        @extend_schema(request=request, **schema)
        @action(detail=True, methods=["post"], url_path=url_path or name.replace("_", "-"))
        @wraps(method)
        def view(self, http_request, reference=None):
            case = self.get_object()
            authorize(case, name, by=http_request.user)
            values = self.body(request) if request is not None else {}
            return self.answer(method(self, http_request, case, **values))

        view.case_move = name
        return view

    return decorate


def upload_action(*, policy, request=None, move: str = "upload", name: str = "uploads"):
    """Let a case type's viewset start resumable uploads, in one line::

        uploads = upload_action(policy=QA_EVIDENCE, request=EvidenceUploadStart, move="upload")

    serves ``POST …/{reference}/uploads/`` with ``{"filename", "size", …}`` and answers 201
    ``{"id", "part_size", "status"}``; the parts then go through ``/api/v1/uploads/{id}/``.
    Before the upload starts: the case is found (404 for another centre's), the case's move
    ``move`` says whether this person may add files (403) and whether its status allows it
    now (409), the body is checked with ``request`` (a subclass of
    ``UploadStartSerializer``, which finds the case in ``context["case"]``; its other
    fields become the upload's labels), and the policy refuses a type (415) or a size
    (413) before any byte is sent.
    """
    from portal.errors import TransitionNotAllowed
    from portal.uploads.serializers import UploadStartedSerializer, UploadStartSerializer
    from portal.uploads.services import start_upload

    body_class = request or UploadStartSerializer

    def view(self, http_request, reference=None):
        case = self.get_object()
        moves = authorize(case, move, by=http_request.user)
        if not any(case.status in m.sources for m in moves):
            noun = type(case)._meta.verbose_name
            raise TransitionNotAllowed(f"Files cannot be added to this {noun} now.")
        context = {**self.get_serializer_context(), "case": case}
        body = body_class(data=http_request.data, context=context)
        body.is_valid(raise_exception=True)
        labels = dict(body.validated_data)
        upload = start_upload(
            case,
            policy=policy,
            filename=labels.pop("filename"),
            size=labels.pop("size"),
            by=http_request.user,
            **labels,
        )
        return Response(UploadStartedSerializer(upload).data, status=status.HTTP_201_CREATED)

    # DRF routes an action by its function's name, which must be the attribute's.
    view.__name__ = view.__qualname__ = name
    view.upload_policy = policy
    view = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(view)
    return extend_schema(request=body_class, responses={201: UploadStartedSerializer})(view)
