"""The QA pages: exams officers submit their school-assessed grades and follow the evidence
requests of their centres; assessment specialists sample centres and judge each request
from its page (the staff queue in the admin links there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entries.models import Entry, Series, Syllabus
from portal.cases.views import Action, CaseDetailView, CaseListView, case_move
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user, staff_required
from qa import grade_import, services
from qa import grades as grading
from qa.forms import (
    AdjustForm,
    GradeImportForm,
    GradesForm,
    JudgementForm,
    RequestMoreForm,
    SampleCandidatesForm,
    SampleForm,
)
from qa.models import SAMPLE_PERMISSION, Grade, QaRequest, QaSeries
from qa.policies import QA_EVIDENCE

SELECTED = ("centre", "series", "syllabus", "requested_by")


class RequestListView(CaseListView):
    model = QaRequest
    template_name = "qa/list.html"
    select_related = ("centre", "series", "syllabus")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_sample"] = self.request.user.has_perm(SAMPLE_PERMISSION)
        return context


class RequestDetailView(CaseDetailView):
    model = QaRequest
    template_name = "qa/detail.html"
    select_related = SELECTED
    action_forms = {
        "accept": Action(JudgementForm, button=_("Accept")),
        "request-more": Action(
            RequestMoreForm, button=_("Open a further round"), style="secondary"
        ),
        "adjust": Action(AdjustForm, button=_("Set the final grades"), style="warning"),
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        missing = services.missing_items(case)
        context.update(
            checklist=services.checklist(case),
            missing=missing,
            blocking=[m for m in missing if m.blocking],
            files=services.request_files(case),
            kinds=services.KINDS,
            rounds=case.rounds.all(),
            adjusted=case.adjusted.select_related("candidate"),
            what_to_send=services.WHAT_TO_SEND,
            # The resumable uploader (templates/uploads/_resumable.html), while files may come.
            policy=QA_EVIDENCE,
            kind_choices=list(services.KINDS.items()),
            candidate_choices=[
                (
                    sampled.candidate.candidate_number,
                    f"{sampled.candidate.candidate_number} "
                    f"{sampled.candidate.forenames} {sampled.candidate.surname}",
                )
                for sampled in case.sample.select_related("candidate")
            ],
        )
        return context


@case_move(RequestDetailView, "submit")
def submit(request, case):
    services.submit_evidence(case, by=request.user)
    return "Your evidence has been submitted for review."


@case_move(RequestDetailView, "accept")
def accept(request, case, *, feedback, **judgement):
    services.accept_grades(case, by=request.user, feedback=feedback, judgement=judgement)
    return "Accepted; the centre has been told."


@case_move(RequestDetailView, "request-more")
def request_more(request, case, *, candidates, syllabus_codes, feedback, **judgement):
    services.request_more(
        case,
        by=request.user,
        feedback=feedback,
        candidates=candidates,
        syllabus_codes=syllabus_codes,
        judgement=judgement,
    )
    return "A further round is open; the centre has been told what to send."


@case_move(RequestDetailView, "adjust")
def adjust(request, case, *, grades, feedback, **judgement):
    services.adjust_grades(
        case, by=request.user, grades=grades, feedback=feedback, judgement=judgement
    )
    return "The final grades are set; the centre has been told."


# Grades ---------------------------------------------------------------------------------


def _officer_centres(user):
    if is_staff_user(user):
        raise PermissionDenied("Centres submit their own grades.")
    return list(centres_visible_to(user).order_by("number"))


def _chosen(request, centres):
    """The centre, series and syllabus the grades page is about (from the query string or
    the form), each None until chosen; an unknown or another centre's value counts as none."""
    params = request.POST if request.method == "POST" else request.GET
    by_number = {c.number: c for c in centres}
    centre = by_number.get(params.get("centre", "")) or (centres[0] if len(centres) == 1 else None)
    series = Series.objects.filter(code=params.get("series", "")[:10]).first()
    syllabus = Syllabus.objects.filter(code=params.get("syllabus", "")[:8]).first()
    return centre, series, syllabus


@login_required
def grades(request):
    """The grades of one syllabus: who has which grade (with the rounds before), and a
    grade to give to each candidate who may be given one now."""
    centres = _officer_centres(request.user)
    centre, series, syllabus = _chosen(request, centres)
    context = {
        "centres": centres,
        "centre": centre,
        "series": series,
        "syllabus": syllabus,
        "all_series": Series.objects.all(),
        "windows": {w.series_id: w for w in QaSeries.objects.all()},
    }
    if centre is not None and series is not None:
        context["syllabuses"] = Syllabus.objects.filter(
            entries__candidate__centre=centre, entries__candidate__series=series
        ).distinct()
    if centre is None or series is None or syllabus is None:
        return render(request, "qa/grades.html", context)
    entries = (
        Entry.objects.filter(candidate__centre=centre, candidate__series=series, syllabus=syllabus)
        .exclude(status=Entry.Status.WITHDRAWN)
        .select_related("candidate")
        .order_by("candidate__candidate_number")
    )
    history: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(centre=centre, series=series, syllabus=syllabus).order_by(
        "round"
    ):
        history.setdefault(grade.candidate_id, []).append(grade)
    revising = grading.revision_round(centre=centre, series=series, syllabus=syllabus)
    window = context["windows"].get(series.pk)
    open_now = window is not None and window.window_open()

    def may_grade(candidate) -> bool:
        given = history.get(candidate.pk, [])
        if revising is not None:
            return not any(g.round == revising for g in given)
        return open_now and not given

    gradable = [e.candidate for e in entries if may_grade(e.candidate)]
    form = GradesForm(request.POST or None, candidates=gradable, prefix="grades")
    if request.method == "POST" and gradable and form.is_valid():
        given = form.grades()
        rows = [
            grading.GradeRow(line=n, candidate_number=number, syllabus_code=syllabus.code, grade=g)
            for n, (number, g) in enumerate(given.items(), start=1)
        ]
        try:
            saved = grading.submit_grades(rows, centre=centre, series=series, by=request.user)
        except grading.GradesRefused as error:
            fields = {n: f"grade_{number}" for n, number in enumerate(given, start=1)}
            for line in error.lines:
                form.add_error(fields.get(line["line"]), line["message"])
        else:
            messages.success(
                request, f"{len(saved)} grades submitted for {syllabus}; they are now locked."
            )
            return redirect(
                f"{reverse('qa:grades')}?centre={centre.number}&series={series.code}"
                f"&syllabus={syllabus.code}"
            )
    context.update(
        rows=[
            {"candidate": e.candidate, "history": history.get(e.candidate.pk, [])} for e in entries
        ],
        form=form if gradable else None,
        revising=revising,
        window=window,
        window_open=open_now,
        window_words=grading.window_words(window),
    )
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "qa/grades.html", context, status=status)


@login_required
def import_grades(request):
    centres = _officer_centres(request.user)
    form = GradeImportForm(request.POST or None, request.FILES or None, centres=centres)
    lines = []
    if request.method == "POST" and form.is_valid():
        centre = form.cleaned_data.get("centre") or (centres[0] if centres else None)
        if centre is None:
            raise PermissionDenied("You are not an officer of any centre.")
        try:
            saved = grade_import.import_grades(
                form.cleaned_data["file"],
                centre=centre,
                series=form.cleaned_data["series"],
                by=request.user,
            )
        except grading.GradesRefused as error:
            lines = error.lines
            form.add_error("file", error.message)
        else:
            messages.success(request, f"{len(saved)} grades submitted; they are now locked.")
            return redirect(f"{reverse('qa:grades')}?series={form.cleaned_data['series'].code}")
    status = 400 if form.errors else 200
    return render(request, "qa/import.html", {"form": form, "lines": lines}, status=status)


# Sampling -------------------------------------------------------------------------------


@staff_required
@permission_required(SAMPLE_PERMISSION, raise_exception=True)
def sample(request):
    """Choose a centre, series and syllabus; then the candidates, starting from the
    proposed spread across the grades submitted; then open the request."""
    params = request.POST if request.method == "POST" else request.GET
    chosen = SampleForm(params if params.get("centre") else None)
    if not chosen.is_bound or not chosen.is_valid():
        return render(request, "qa/sample.html", {"form": chosen, "step": "scope"})
    centre, series, syllabus = (chosen.cleaned_data[k] for k in ("centre", "series", "syllabus"))
    graded = grading.current_grades(centre=centre, series=series, syllabus=syllabus)
    choices = [
        (
            g.candidate.candidate_number,
            f"{g.candidate.candidate_number} {g.candidate.forenames} {g.candidate.surname}: "
            f"{g.grade}",
        )
        for g in sorted(graded.values(), key=lambda g: g.candidate.candidate_number)
    ]
    proposal = services.propose_sample(centre=centre, series=series, syllabus=syllabus)
    form = SampleCandidatesForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={
            "centre": centre.number,
            "series": series.code,
            "syllabus": syllabus.code,
            "candidates": [c.candidate_number for c in proposal],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_request(
                centre=centre,
                series=series,
                syllabus=syllabus,
                candidates=form.cleaned_data["candidates"],
                instructions=form.cleaned_data["instructions"],
                by=request.user,
            )
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{case.reference} sent to {centre.number}.")
            return redirect(case)
    context = {
        "form": form,
        "step": "candidates",
        "centre": centre,
        "series": series,
        "syllabus": syllabus,
        "graded": bool(choices),
    }
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "qa/sample.html", context, status=status)
