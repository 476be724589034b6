"""A case type declared once: its pages, their addresses, its API and what the API answers.

    QUERIES = CaseType(
        Query, OPENING, STEPS,
        api="queries", about="Queries of the user's centres ...",
        fields=["subject", "body", ("syllabus_code", "syllabus.code"), ...],
        filters={"referred_to": "referred_to"},
    )

    urlpatterns = QUERIES.urls()      # the app's urls.py (with its app_name)
    QUERIES.serve_api()               # the app's api.py: /api/v1/queries/ and its moves

The pages are the kit's (``CaseListView``, the ``Opening``'s page, ``CaseDetailView``) drawn
by the case type's templates, ``<templates>/list.html``, ``form.html`` and ``detail.html``
(``templates`` defaults to the API's prefix): the list's cases are named as the API's prefix
(``queries``). The API's answer is built from ``fields``: a field of the model by its
name, or a related row's by ``(name, "relation.field")`` (null where the case has none, and
read with the case in one query); its words in the schema are the model field's
``help_text``. ``about`` is the API's description, to which the list's filters are added;
the viewset's ``basename`` is the model's name (``query``) unless given (``service-request``).
"""

import inspect
from collections.abc import Sequence
from typing import Any

from django.urls import URLPattern, path
from rest_framework import serializers

from portal.api.router import register
from portal.cases.api import COMMON_FILTERS, CaseSerializer, CaseViewSet
from portal.cases.steps import Opening, Steps
from portal.cases.views import CaseDetailView, CaseListView

Field = str | tuple[str, str]


def case_serializer(model: Any, fields: Sequence[Field]) -> type[CaseSerializer]:
    """The read-only answer of a case of ``model``: the kit's fields and ``fields``."""
    attributes: dict[str, Any] = {}
    names = []
    for field in fields:
        if isinstance(field, str):
            names.append(field)
            continue
        name, source = field
        relation, slug = source.split(".")
        help_text = model._meta.get_field(relation).help_text
        options: dict[str, Any] = {"help_text": help_text} if help_text else {}
        if relation != name:
            options["source"] = relation
        attributes[name] = serializers.SlugRelatedField(
            slug_field=slug, read_only=True, allow_null=True, **options
        )
        names.append(name)
    every = [*CaseSerializer.Meta.fields, *names]
    meta = type("Meta", (), {"model": model, "fields": every, "read_only_fields": every})
    serializer: type[CaseSerializer] = type(
        f"{model.__name__}Serializer", (CaseSerializer,), {**attributes, "Meta": meta}
    )
    return serializer


class CaseType:
    """A case type's pages, URLs and API from its model, its opening and its moves (see the
    module)."""

    def __init__(
        self,
        model: Any,
        opening: Opening,
        steps: Steps,
        *,
        api: str,
        about: str,
        fields: Sequence[Field],
        filters: dict[str, str] | None = None,
        templates: str = "",
        basename: str = "",
    ) -> None:
        self.model = model
        self.steps = steps
        self.prefix = api
        self.basename = basename or model._meta.model_name
        templates = templates or api
        name = model.__name__
        filters = filters or {}
        related = ("centre", *(f[1].split(".")[0] for f in fields if not isinstance(f, str)))
        listed = ", ".join(f"``{param}``" for param in [*COMMON_FILTERS, *filters])
        about = f"{inspect.cleandoc(about)}\n\nFilters: {listed}."
        self.serializer = case_serializer(model, fields)
        self.list_view: type[CaseListView] = type(
            f"{name}ListView",
            (CaseListView,),
            {
                "model": model,
                "template_name": f"{templates}/list.html",
                "context_object_name": api.replace("-", "_"),
            },
        )
        self.create_view = opening.view(f"{templates}/form.html")
        self.detail_view: type[CaseDetailView] = type(
            f"{name}DetailView",
            (CaseDetailView,),
            {
                "model": model,
                "template_name": f"{templates}/detail.html",
                "select_related": related,
                "action_forms": steps.actions(),
            },
        )
        viewset = type(
            f"{name}ViewSet",
            (CaseViewSet,),
            {
                "__doc__": about,
                "__module__": model.__module__,
                "model": model,
                "serializer_class": self.serializer,
                "select_related": related,
                "filters": filters,
            },
        )
        self.viewset = steps.api(opening.api(viewset))

    def urls(self) -> list[URLPattern]:
        """The list, the page that opens a case, the case's page and each move's POST."""
        return [
            path("", self.list_view.as_view(), name="list"),
            path("new/", self.create_view.as_view(), name="create"),
            path("<str:reference>/", self.detail_view.as_view(), name="detail"),
            *self.steps.urls(self.detail_view),
        ]

    def serve_api(self) -> type[CaseViewSet]:
        """Serve the API under ``/api/v1/<api>/`` (from the app's ``api`` module)."""
        viewset: type[CaseViewSet] = register(self.prefix, basename=self.basename)(self.viewset)
        return viewset
