"""A case type's moves, each declared once for its page and its API.

    STEPS = Steps(Query, {
        "answer": Step(services.answer_query, RESPONSE, button=_("Send the answer"),
                       done="Answer sent to the centre."),
        "refer": Step(services.refer_query, REFERRAL_ROLE, hint=_("…"),
                      done=lambda case, role: f"Referred to the {role.lower()}."),
    })

    class QueryDetailView(CaseDetailView):
        action_forms = STEPS.actions()            # drawn by cases/_actions.html

    urlpatterns = [..., *STEPS.urls(QueryDetailView)]   # POST <reference>/<move>/

    @register("queries", basename="query")
    @STEPS.api                                    # POST /api/v1/queries/<reference>/<move>/
    class QueryViewSet(CaseViewSet): ...

(``CaseType``, portal/cases/types.py, makes these three from the steps, with the list, the
opening page and the API's answer, for a case type whose pages are the kit's.)

A step names the service that makes the move (``service(case, by=person, **values)``), the
rules of what it takes (``portal/rules.py``: the page's form and the API's serializer are
built from them, so both check alike and say the same), what the page says once it is made
(``done``: words, or a function of the case and the values), and how its form shows
(``button``, ``hint``, ``heading``, ``style``, as ``Action``). Finding the case (404 for
another centre's), asking the case's table whether this person may make the move now, a
refusal on its field (the page again, 400; the API's 400) and the answer come from
``case_move`` and ``case_action``.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.text import capfirst
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from portal.cases.api import CentreField, case_action
from portal.cases.forms import CaseOpenForm
from portal.cases.services import applying_centre
from portal.cases.views import Action, CaseCreateView, CaseDetailView, case_move


class Step:
    """One move: its service, its rules and its words on the page (see the module)."""

    def __init__(
        self,
        service: Callable[..., Any],
        *rules: Any,
        done: str | Promise | Callable[..., str] = "",
        button: str | Promise = "",
        hint: str | Promise = "",
        heading: str | Promise = "",
        style: str = "",
        drawn: bool = True,
        schema_name: str = "",
    ) -> None:
        self.service = service
        # The name of the move's body in the API's schema: <Model><Move> unless given.
        self.schema_name = schema_name
        # False: the case type's template draws the move's form itself (with what it needs
        # around it); the partial leaves it out.
        self.drawn = drawn
        self.rules = rules
        self.done = done
        self.action = Action(button=button, hint=hint, heading=heading, style=style)

    def said(self, case: Any, values: dict[str, Any]) -> str:
        """What the page says once the move is made."""
        if callable(self.done) and not isinstance(self.done, Promise):
            return self.done(case, **values)
        return str(self.done)


@dataclass(frozen=True)
class _Built:
    step: Step
    form: type[forms.Form] | None
    serializer: type[serializers.Serializer[Any]] | None


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class Steps:
    """The moves of case type ``model``, by name (the names of its ``MOVES`` table)."""

    def __init__(self, model: Any, steps: dict[str, Step]) -> None:
        unknown = set(steps) - set(model.MOVES.names())
        if unknown:
            raise ValueError(f"{model.__name__} has no move {', '.join(sorted(unknown))}")
        self.model = model
        self.built: dict[str, _Built] = {}
        for name, step in steps.items():
            form = serializer = None
            if step.rules:
                fields = {rule.field: rule.form_field() for rule in step.rules}
                form = type(f"{_camel(name)}Form", (forms.Form,), fields)
                fields = {rule.field: rule.serializer_field() for rule in step.rules}
                named = step.schema_name or f"{model.__name__}{_camel(name)}"
                serializer = type(f"{named}Serializer", (serializers.Serializer,), fields)
            self.built[name] = _Built(step, form, serializer)

    def actions(self) -> dict[str, Action | type | None]:
        """The case page's ``action_forms``: each move's form and words, in the order
        declared (a move the template draws itself: its form alone)."""
        return {
            name: replace(built.step.action, form=built.form) if built.step.drawn else built.form
            for name, built in self.built.items()
        }

    def urls(self, detail: type[CaseDetailView]) -> list[URLPattern]:
        """``<reference>/<move>/``: the page's POST of every move, answering with ``done``."""
        return [
            path(f"<str:reference>/{name}/", self._page(detail, name, built.step), name=name)
            for name, built in self.built.items()
        ]

    @staticmethod
    def _page(detail: type[CaseDetailView], name: str, step: Step) -> Callable[..., Any]:
        def run(request: HttpRequest, case: Any, **values: Any) -> str:
            case = step.service(case, by=request.user, **values) or case
            return step.said(case, values)

        run.__name__ = run.__qualname__ = name.replace("-", "_")
        page: Callable[..., Any] = case_move(detail, name)(run)
        return page

    def api(self, viewset: type) -> type:
        """Add ``POST …/{reference}/{move}/`` to ``viewset`` for every move (a class
        decorator); a move whose name the viewset already uses (``answer``) is added as
        ``<move>_<model>``."""
        for name, built in self.built.items():
            attribute = name.replace("-", "_")
            if hasattr(viewset, attribute):
                attribute = f"{attribute}_{self.model._meta.model_name}"
            setattr(viewset, attribute, self._action(attribute, name, built))
        return viewset

    @staticmethod
    def _action(attribute: str, name: str, built: _Built) -> Callable[..., Any]:
        step = built.step

        def method(self: Any, request: HttpRequest, case: Any, **values: Any) -> Any:
            return step.service(case, by=request.user, **values)

        method.__name__ = method.__qualname__ = attribute
        action: Callable[..., Any] = case_action(
            request=built.serializer, move=name, url_path=name
        )(method)
        return action


# The API's words for the centre a case is opened for (``applying_centre`` decides).
OPENED_FOR = (
    "The centre's number: needed by staff opening a case on a centre's behalf, and by "
    "officers of several centres."
)


class Opening:
    """How a case of ``model`` is opened, declared once for the page and the API: the
    service (``service(centre=..., by=person, **values)``), the rules of what it takes, the
    ``noun`` of the page's message (``"Query QRY-2027-000001 received."``; the model's name
    unless given) and, if some people may not open one at all, ``refuse(person)`` (raising
    ``PermissionDenied``).

    ``OPENING.view("queries/form.html")`` is the page's view; its form is ``CaseOpenForm``'s
    centre and the rules' fields. ``@OPENING.api`` gives a viewset
    ``POST`` (201 with the case), the centre named by number (``CentreField``) or the
    officer's only one."""

    def __init__(
        self,
        model: Any,
        service: Callable[..., Any],
        *rules: Any,
        noun: str = "",
        refuse: Callable[[Any], None] | None = None,
        centre_help: str = OPENED_FOR,
    ) -> None:
        self.model = model
        self.service = service
        self.noun = noun or capfirst(model._meta.verbose_name)
        self.refuse = refuse
        fields = {rule.field: rule.form_field() for rule in rules}
        self.form = type(f"{model.__name__}Form", (CaseOpenForm,), fields)
        centre = CentreField(allow_null=True, help_text=centre_help)
        self.serializer: type[serializers.Serializer[Any]] = type(
            f"{model.__name__}CreateSerializer",
            (serializers.Serializer,),
            {"centre": centre, **{rule.field: rule.serializer_field() for rule in rules}},
        )

    def view(self, template_name: str) -> type[CaseCreateView]:
        """The page that opens a case, drawn by ``template_name``."""
        opening = self

        class OpeningView(CaseCreateView):
            noun = opening.noun
            model = opening.model
            form_class = opening.form

            def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                if opening.refuse is not None and request.user.is_authenticated:
                    opening.refuse(request.user)
                return super().dispatch(request, *args, **kwargs)

            def open_case(self, **data: Any) -> Any:
                return opening.service(**data)

        OpeningView.template_name = template_name
        OpeningView.__name__ = OpeningView.__qualname__ = f"{self.model.__name__}CreateView"
        return OpeningView

    def api(self, viewset: Any) -> Any:
        """Give ``viewset`` its ``POST`` (a class decorator)."""
        opening = self

        @extend_schema(request=opening.serializer, responses={201: viewset.serializer_class})
        def create(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            if opening.refuse is not None:
                opening.refuse(request.user)
            data = self.body(opening.serializer)
            centre = applying_centre(request.user, chosen=data.pop("centre", None))  # type: ignore[no-untyped-call]
            case = opening.service(centre=centre, by=request.user, **data)
            answer: Response = self.answer(case, status.HTTP_201_CREATED)
            return answer

        serializer_class_of = viewset.get_serializer_class

        def get_serializer_class(self: Any) -> Any:
            if self.action == "create":
                return opening.serializer
            return serializer_class_of(self)

        viewset.create = create
        viewset.get_serializer_class = get_serializer_class
        return viewset
