"""The pages of every case type: one getter that answers 404 for another centre's case (403
for staff whose role does not work with it), a case page that offers only the moves this
person may make, and one wrapper for each move's POST.

A move whose form is refused shows the case page again, with an error summary that links to
the field and what the person typed still in it (a refused attachment keeps the message).

A move declared as an ``Action`` in ``action_forms`` is drawn by ``cases/_actions.html``: its
heading, what it does, its form and its button, posted to the move's own page. The case type's
template writes ``{% include "cases/_actions.html" %}`` where the moves belong.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from portal import audit
from portal.api.pagination import BoundedCountPaginator
from portal.cases.models import role_refuses
from portal.cases.services import applying_centre
from portal.errors import PortalError
from portal.mailin.models import InboundEmail
from portal.notifications.models import Notification
from portal.permissions import centres_visible_to, is_staff_user
from portal.sla.models import with_deadlines
from portal.workflow import actions_for, authorize
from portal.zones import viewer_zone


def refuse_other_roles(user, model) -> None:
    """403 for staff whose roles do not work with cases of ``model``: every page of a case
    type (list, form, case) asks this, as the API does."""
    if role_refuses(user, model):
        raise PermissionDenied("Your role does not work with these cases.")


def get_case_or_404(model, user, reference: str, *, select_related=("centre",)):
    """The one way pages reach a case: another centre's case answers 404, exactly as if it
    did not exist; staff whose role does not work with this kind of case get 403."""
    refuse_other_roles(user, model)
    return model.objects.select_related(*select_related).get_visible_or_404(
        user, reference=reference
    )


class CaseListView(LoginRequiredMixin, ListView):
    """A case type's list: the cases this person may see (403 for staff whose role does not
    work with them), open ones unless ``?show=all``, newest first, 50 a page. Declare
    ``model``, ``template_name``, ``select_related`` and the list's name in the template
    (``context_object_name``). The context has ``show_all`` and ``page_query``, so that
    ``{% include "_pagination.html" %}`` keeps showing all from page to page. Past 25,000
    cases the count is the database's estimate (``BoundedCountPaginator``)."""

    paginate_by = 50
    # A queue of hundreds of thousands of cases is not counted to the last one.
    paginator_class = BoundedCountPaginator
    select_related: tuple[str, ...] = ("centre",)

    @property
    def show_all(self) -> bool:
        return self.request.GET.get("show") == "all"

    def get_queryset(self):
        refuse_other_roles(self.request.user, self.model)
        cases = (
            self.model.objects.visible_to(self.request.user, listed=True)
            .select_related(*self.select_related)
            .prefetch_related(*with_deadlines())
        )
        if not self.show_all:
            cases = cases.open()
        return cases.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "show_all": self.show_all,
            "page_query": "show=all" if self.show_all else "",
        }


class CaseCreateView(LoginRequiredMixin, FormView):
    """An officer's page that opens a case: the form's fields and the chosen centre (one of
    the officer's, ``applying_centre``) go to the service named by ``open_case``; a refusal
    lands on its field (400), success goes to the case's page. Subclasses name the form,
    the template, the service and the ``noun`` of the message."""

    noun = "Case"
    # The case type: staff whose roles do not work with it are refused (403) before the form.
    model: Any = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if self.model is not None and request.user.is_authenticated:
            refuse_other_roles(request.user, self.model)
        return super().dispatch(request, *args, **kwargs)

    def open_case(self, *, centre, by, **data):  # pragma: no cover - every subclass names one
        raise NotImplementedError

    def done(self, case) -> str:
        """The message the page shows once the case is open."""
        return f"{self.noun} {case.reference} received."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "centres": centres_visible_to(self.request.user)}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            centre = applying_centre(self.request.user, chosen=data.pop("centre"))
            case = self.open_case(centre=centre, by=self.request.user, **data)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        messages.success(self.request, self.done(case))
        return redirect(case)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@dataclass(frozen=True)
class Action:
    """How a move shows on the case page (``cases/_actions.html``): its form (None: a
    button alone), the button's words, a sentence on what the move does, and a heading (the
    move's label if not given); ``style`` is the button's (``"warning"`` for a move that
    refuses or ends something, ``"secondary"`` for one beside the main path). A move with no
    form, hint or heading of its own is drawn as its button alone. Texts are marked for
    translation where they are declared."""

    form: type | None = None
    button: str | Promise = ""
    hint: str | Promise = ""
    heading: str | Promise = ""
    style: str = ""


@dataclass(frozen=True)
class Shown:
    """One move as ``cases/_actions.html`` draws it: its name, heading (none for a button
    alone), form (bound and refused, or new), where it posts, the button's words and style,
    and the hint."""

    name: str
    heading: str | Promise
    form: object
    url: str
    button: str | Promise
    hint: str | Promise
    style: str


def _form_class(declared) -> type | None:
    return declared.form if isinstance(declared, Action) else declared


class CaseDetailView(LoginRequiredMixin, DetailView):
    """The case page. Declare ``model``, ``template_name``, ``action_forms`` (``{move: form
    class}``, or ``{move: Action(...)}`` for the moves ``cases/_actions.html`` draws) and, if
    a form needs the case, ``make_form``. The context has ``case``, ``actions`` (the names
    of the moves this person may make now), ``moves``, ``forms`` (an unbound form per
    available move, or the refused one with its errors), ``shown`` (the declared ``Action``
    moves available, in the order declared), ``zone`` (the reader's time zone), ``notices``
    (the reader's notices of the case), ``emails`` (those that came in about it), ``files``
    (the case's) and, for staff, ``history`` (``{% include "cases/_history.html" %}``)."""

    context_object_name = "case"
    action_forms: dict = {}
    select_related: tuple[str, ...] = ("centre",)

    def get_object(self, queryset=None):
        return get_case_or_404(
            self.model,
            self.request.user,
            self.kwargs["reference"],
            select_related=self.select_related,
        )

    def make_form(self, name: str, form_class):
        # Each move's form has its own prefix: two forms on the page never share an id.
        return form_class(prefix=name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        moves = actions_for(self.request.user, self.object)
        refused = self.kwargs.get("refused")
        forms = {}
        for m in moves:
            if refused and refused[0] == m.name:
                forms[m.name] = refused[1]
            elif _form_class(self.action_forms.get(m.name)) and m.name not in forms:
                forms[m.name] = self.make_form(m.name, _form_class(self.action_forms[m.name]))
        context.update(
            # The messages that came by email (``templates/mailin/_case_emails.html``).
            emails=InboundEmail.objects.for_case(self.object),
            # The reader's own notices of the case (read only where the page shows them).
            notices=Notification.objects.for_user(self.request.user).filter(
                reference=self.object.reference
            ),
            # The case's files (``uploads/_file.html`` draws each, its scan's state with it).
            files=self.object.files.all() if hasattr(self.object, "files") else [],
            actions={m.name for m in moves},
            moves=moves,
            forms=forms,
            refused_form=refused[1] if refused else None,
            refused_move=refused[0] if refused else None,
            shown=self.shown_actions(moves, forms),
            # Dates shown in the reader's zone (the case's centre's, for its officers).
            zone=viewer_zone(self.request.user, self.object),
        )
        if is_staff_user(self.request.user):
            # Staff see what happened to the case (templates/cases/_history.html).
            context["history"] = audit.history_of(self.object)
        return context

    def shown_actions(self, moves, forms: dict) -> list[Shown]:
        """The moves declared as ``Action`` that this person may make now, in the order
        declared, each posting to its page in this page's URL namespace."""
        labels = {m.name: m.label for m in moves}
        match = self.request.resolver_match
        namespace = f"{match.namespace}:" if match and match.namespace else ""
        shown = []
        for name, declared in self.action_forms.items():
            if not isinstance(declared, Action) or name not in labels:
                continue
            label = declared.heading or (
                gettext(labels[name]) if labels[name] else name.replace("-", " ").capitalize()
            )
            alone = declared.form is None and not declared.hint and not declared.heading
            shown.append(
                Shown(
                    name=name,
                    heading="" if alone else label,
                    form=forms.get(name),
                    url=reverse(f"{namespace}{name}", args=[self.object.reference]),
                    button=declared.button or label,
                    hint=declared.hint,
                    style=declared.style,
                )
            )
        return shown

    @classmethod
    def bind_form(cls, name: str, case, data, files):
        """The form of move ``name`` bound to what was posted, or None for a move without
        one. A form whose fields depend on the case (one per standard judged, say) is
        built here and in ``make_form`` with the case."""
        form_class = _form_class(cls.action_forms.get(name))
        return form_class(data, files, prefix=name) if form_class else None

    @classmethod
    def show_refused(cls, request, case, name: str, form):
        """The case page again, 400, with ``form``'s errors summarised at the top."""
        view = cls()
        view.setup(request, reference=case.reference, refused=(name, form))
        view.object = case
        return view.render_to_response(view.get_context_data(object=case), status=400)


def case_move(detail: type[CaseDetailView], name: str):
    """Wrap the POST of move ``name``: find the case, check this person may make the move,
    check its form (``detail.action_forms[name]``, if it has one), run the service, then go
    back to the case with what happened. ``run(request, case, **cleaned_data)`` answers the
    message."""

    def decorate(run):
        @wraps(run)
        @require_POST
        def view(request, reference):
            if not request.user.is_authenticated:
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            case = get_case_or_404(
                detail.model, request.user, reference, select_related=detail.select_related
            )
            authorize(case, name, by=request.user)
            form = detail.bind_form(name, case, request.POST, request.FILES)
            if form is not None and not form.is_valid():
                return detail.show_refused(request, case, name, form)
            try:
                done = run(request, case, **(form.cleaned_data if form else {}))
            except PortalError as error:
                if form is None:
                    messages.error(request, error.message)
                    return redirect(case)
                error.onto(form)
                return detail.show_refused(request, case, name, form)
            if done:
                messages.success(request, done)
            return redirect(case)

        view.case_move = name
        # Two case types of one app may share a move's name, and an app's pages may live
        # under a namespace that is not its label: the route knows its own case type (for
        # whoever walks the URLs, such as the isolation matrix).
        view.case_model = detail.model
        return view

    return decorate


def move_urls(model, views) -> list:
    """``<reference>/<move>/`` for every move of ``model`` that ``views`` has a page for."""
    from django.urls import path

    found = []
    for name in model.MOVES.names():
        view = getattr(views, name.replace("-", "_"), None)
        if view is not None and getattr(view, "case_move", None) == name:
            found.append(path(f"<str:reference>/{name}/", view, name=name))
    return found
