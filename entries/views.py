"""The exams officer's pages: series, candidates, entries (one at a time, or a CSV file with
its progress), amendments and withdrawals, the statement of entry, submitting entries,
comments on the provisional timetable and the question papers due for despatch. Staff read
the same pages for every centre."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from entries import queries, services
from entries.forms import (
    AmendForm,
    CandidateForm,
    CommentForm,
    EntryFilterForm,
    EntryForm,
    UploadForm,
)
from entries.models import (
    Candidate,
    Entry,
    EntryImport,
    EntrySubmission,
    PaperDespatch,
    Series,
    despatches_counted,
    entries_counted,
)
from entries.statement import statement_pdf, statement_rows
from portal import audit
from portal.api.pagination import BoundedCountPaginator
from portal.calendar import london_date
from portal.cases.views import CaseDetailView, case_move, refuse_other_roles
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from portal.sla.models import with_deadlines
from portal.spreadsheets import spreadsheet_safe

# Fifty rows a page, as every list of the portal, the API and the staff's queues.
PAGE_SIZE = 50


def _officer_centres(user) -> list[Centre]:
    """The centres an officer acts for; staff make entries in the staff area, not here."""
    if is_staff_user(user):
        raise PermissionDenied("Staff keep entries in the staff area.")
    return list(centres_visible_to(user).order_by("number"))


def _centre_of(form, user) -> Centre:
    return queries.acting_centre(user, form.cleaned_data.get("centre"))


def _read_entries(user) -> None:
    if is_staff_user(user) and not user.has_perm("entries.view_entry"):
        raise PermissionDenied("Your role does not work with entries.")


@login_required
def index(request):
    _read_entries(request.user)
    every = list(Series.objects.prefetch_related("late_periods").order_by("-entry_deadline"))
    counted = queries.series_totals(request.user, every)
    rows = [{"series": s, "terms": services.entry_terms(s), "totals": counted[s.pk]} for s in every]
    return render(request, "entries/index.html", {"rows": rows})


@login_required
def series_entries(request, code):
    _read_entries(request.user)
    series = queries.series_or_404(code)
    filters = EntryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    # Counted from the index of the centre's entries; a page read from the candidates'.
    entries = queries.filtered(queries.entries_of(request.user, series=series), chosen)
    listed = queries.filtered(queries.entries_of(request.user, series=series, paged=True), chosen)
    # By candidate number within each centre (its candidates of the series are read in the
    # order of their own index), then syllabus: a page is read from there, never by sorting
    # every entry of the centre.
    listed = listed.order_by(
        "candidate__centre_id",
        "candidate__series_id",
        "candidate__candidate_number",
        "syllabus__code",
    )
    staff = is_staff_user(request.user)
    figures = queries.series_figures(request.user, entries, series=series, chosen=chosen)
    # The list's length is the totals' count of the same entries: not counted twice (staff's,
    # kept for a few minutes, may have moved since: a page past its end is then found).
    page = BoundedCountPaginator(
        listed, PAGE_SIZE, count=figures.totals["entries"], estimated=staff
    ).get_page(request.GET.get("page"))
    context = {
        "series": series,
        "terms": services.entry_terms(series),
        "filters": filters,
        "page_obj": page,
        "entries": page.object_list,
        "totals": figures.totals,
        "by_syllabus": figures.by_syllabus,
        "counted_at": figures.counted_at if staff else None,
        "waiting": figures.waiting,
        "submissions": EntrySubmission.objects.visible_to(request.user)
        .filter(series=series)
        .select_related("centre")
        .prefetch_related(*with_deadlines())[:20],
        "imports": EntryImport.objects.visible_to(request.user).filter(series=series)[:5],
        "centres": [] if is_staff_user(request.user) else _officer_centres(request.user),
        "confirm_promise": services.sla.promise(services.CONFIRM),
        "timetable_late": series.provisional_timetable_overdue(london_date(timezone.now())),
    }
    return render(request, "entries/series.html", context)


@login_required
def candidates(request, code):
    _read_entries(request.user)
    series = queries.series_or_404(code)
    # The order of the index of each centre's numbers per series: a page is read from it.
    found = queries.candidates_of(request.user, series=series).order_by(
        "centre_id", "series_id", "candidate_number"
    )
    text = request.GET.get("q", "")[:100]
    if text:
        found = found.filter(Q(candidate_number=text) | Q(surname__icontains=text) | Q(uci=text))
        paginator = BoundedCountPaginator(found, PAGE_SIZE)
    else:
        # Every candidate of the series: an officer's count is kept until they change.
        paginator = BoundedCountPaginator(
            found,
            PAGE_SIZE,
            count_of=lambda rows, most: queries.counted(request.user, rows, series, most),
        )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "entries/candidates.html",
        {"series": series, "page_obj": page, "candidates": page.object_list, "q": text},
    )


@login_required
def despatches(request, code):
    """The question paper despatches of a series: the officer's centres' (one of them with
    ``?centre=``; another centre's number is 404), every centre's for staff of the entries
    team. A page at a time, in the order of the exams."""
    refuse_other_roles(request.user, PaperDespatch)
    series = queries.series_or_404(code)
    found = PaperDespatch.objects.visible_to(request.user).filter(series=series)
    number = request.GET.get("centre", "")[:5]
    if number:
        centre = centres_visible_to(request.user).filter(number=number).first()
        if centre is None:
            raise Http404("Choose one of your centres.")
        found = found.filter(centre=centre)
    counts = found.aggregate(
        total=Count("pk"), despatched=Count("pk", filter=Q(status=PaperDespatch.Status.DESPATCHED))
    )
    found = found.select_related("centre", "paper__component__syllabus").order_by(
        "paper__date",
        "paper__session",
        "paper__component__syllabus__code",
        "paper__component__code",
        "centre__number",
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "entries/despatches.html",
        {
            "series": series,
            "page_obj": page,
            "despatches": page.object_list,
            "counted": despatches_counted(counts["total"]),
            "despatched": counts["despatched"],
            "due": counts["total"] - counts["despatched"],
            # A centre column only when the rows may be of several centres.
            "several_centres": is_staff_user(request.user)
            or (not number and centres_visible_to(request.user).count() > 1),
            "days_before": services.DESPATCH_DAYS_BEFORE,
        },
    )


@login_required
def candidate_new(request, code):
    series = queries.series_or_404(code)
    centres = _officer_centres(request.user)
    form = CandidateForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            centre = _centre_of(form, request.user)
            data.pop("centre", None)
            candidate = services.register_candidate(
                centre=centre, series=series, by=request.user, **data
            )
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(
                request,
                f"Candidate {candidate.candidate_number} {candidate.name} added "
                f"with the UCI {candidate.uci}.",
            )
            return redirect("entries:candidates", series.code)
    proposal = None
    if len(centres) == 1:
        number = services.next_candidate_number(centre=centres[0], series=series)
        proposal = {
            "candidate_number": number,
            "uci": services.proposed_uci(centre=centres[0], series=series, candidate_number=number),
        }
    return render(
        request,
        "entries/candidate_form.html",
        {"series": series, "form": form, "proposal": proposal},
        status=400 if form.errors else 200,
    )


@login_required
def entry_new(request, code):
    series = queries.series_or_404(code)
    centres = _officer_centres(request.user)
    form = EntryForm(request.POST or None, centres=centres, series=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            centre = _centre_of(form, request.user)
            candidate = Candidate.objects.filter(
                centre=centre, series=series, candidate_number=data["candidate_number"]
            ).first()
            if candidate is None:
                raise PortalError(
                    f"You have no candidate {data['candidate_number']} in {series.name}: add "
                    "them first.",
                    field="candidate_number",
                )
            entry = services.make_entry(
                candidate,
                syllabus_code=data["syllabus_code"],
                option_code=data["option_code"],
                accept_late_fee=data["accept_late_fee"],
                by=request.user,
            )
        except PortalError as error:
            error.onto(form)
        else:
            fee = f" with a late fee of £{entry.late_fee}" if entry.late_fee else ""
            messages.success(request, f"Entry {entry.reference} made{fee}.")
            return redirect("entries:series", series.code)
    return render(
        request,
        "entries/entry_form.html",
        {"series": series, "form": form, "terms": services.entry_terms(series)},
        status=400 if form.errors else 200,
    )


def _entry_or_404(user, pk: int) -> Entry:
    _read_entries(user)
    return get_object_or_404(
        Entry.objects.visible_to(user).select_related(
            "candidate__centre", "candidate__series", "syllabus"
        ),
        pk=pk,
    )


@login_required
def entry_detail(request, pk, *, amend_form=None, status=200):
    entry = _entry_or_404(request.user, pk)
    from portal.workflow import actions_for

    actions = {m.name for m in actions_for(request.user, entry)}
    return render(
        request,
        "entries/entry.html",
        {
            "entry": entry,
            "actions": actions,
            "form": amend_form or AmendForm(entry=entry),
            "history": audit.history_of(entry).order_by("at", "pk"),
        },
        status=status,
    )


@require_POST
@login_required
def entry_amend(request, pk):
    entry = _entry_or_404(request.user, pk)
    from portal.workflow import authorize

    authorize(entry, "amend", by=request.user)
    form = AmendForm(request.POST, entry=entry)
    if form.is_valid():
        try:
            services.amend_entry(
                entry, option_code=form.cleaned_data["option_code"], by=request.user
            )
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(request, "The entry's option is changed.")
            return redirect("entries:entry", entry.pk)
    return entry_detail(request, pk, amend_form=form, status=400)


@login_required
def entry_withdraw(request, pk):
    """Asks first (a withdrawal cannot be undone, nor the syllabus entered again), then
    withdraws on the answer's POST."""
    entry = _entry_or_404(request.user, pk)
    if request.method != "POST":
        from portal.workflow import authorize

        authorize(entry, "withdraw", by=request.user)
        if entry.status == Entry.Status.WITHDRAWN:
            messages.info(request, "This entry is withdrawn already.")
            return redirect("entries:entry", entry.pk)
        return render(request, "entries/withdraw.html", {"entry": entry})
    try:
        services.withdraw_entry(entry, by=request.user)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Entry {entry.reference} withdrawn.")
    return redirect("entries:entry", entry.pk)


@login_required
def upload(request, code):
    series = queries.series_or_404(code)
    centres = _officer_centres(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.queue_entry_import(
                centre=_centre_of(form, request.user),
                series=series,
                upload=form.cleaned_data["file"],
                accept_late_fee=form.cleaned_data["accept_late_fee"],
                by=request.user,
            )
        except PortalError as error:
            error.onto(form)
        else:
            return redirect(job)
    return render(
        request,
        "entries/upload.html",
        {"series": series, "form": form, "terms": services.entry_terms(series)},
        status=400 if form.errors else 200,
    )


@login_required
def import_status(request, public_id):
    job = get_object_or_404(
        EntryImport.objects.visible_to(request.user).select_related("series", "centre"),
        public_id=public_id,
    )
    return render(
        request,
        "entries/import.html",
        {"job": job, "rows": services.import_progress(job), "series": job.series},
    )


def _statement_centre(request) -> Centre:
    number = request.GET.get("centre", "")[:5] or None
    try:
        return queries.acting_centre(request.user, number)
    except PortalError:
        raise Http404("Choose one of your centres.") from None


@login_required
def statement_csv(request, code):
    _read_entries(request.user)
    series = queries.series_or_404(code)
    centre = _statement_centre(request)

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    rows = statement_rows(centre=centre, series=series)
    response = StreamingHttpResponse(
        (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    name = f"statement-of-entry-{centre.number}-{series.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statement_pdf_view(request, code):
    _read_entries(request.user)
    series = queries.series_or_404(code)
    centre = _statement_centre(request)
    response = HttpResponse(
        statement_pdf(centre=centre, series=series), content_type="application/pdf"
    )
    name = f"statement-of-entry-{centre.number}-{series.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def submit(request, code):
    """A page that says what will be sent, and the POST that sends it."""
    series = queries.series_or_404(code)
    centres = _officer_centres(request.user)
    if request.method == "POST":
        number = request.POST.get("centre", "")[:5] or None
        try:
            centre = queries.acting_centre(request.user, number if len(centres) > 1 else None)
            submission = services.submit_entries(centre=centre, series=series, by=request.user)
        except PortalError as error:
            messages.error(request, error.message)
            return redirect("entries:series", series.code)
        messages.success(
            request,
            f"{entries_counted(submission.entry_count)} submitted as {submission.reference}. We "
            f"confirm entries {services.sla.promise(services.CONFIRM)}.",
        )
        return redirect(submission)
    waiting = [
        (
            centre,
            Entry.objects.filter(
                candidate__centre=centre,
                candidate__series=series,
                status=Entry.Status.PROVISIONAL,
                submission__isnull=True,
            ).count(),
        )
        for centre in centres
    ]
    return render(
        request,
        "entries/submit.html",
        {
            "series": series,
            "waiting": waiting,
            "confirm_promise": services.sla.promise(services.CONFIRM),
        },
    )


class SubmissionDetailView(CaseDetailView):
    model = EntrySubmission
    template_name = "entries/submission.html"
    select_related = ("centre", "series", "submitted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = self.object.entries.select_related("candidate", "syllabus").order_by(
            "candidate__candidate_number", "syllabus__code"
        )[:500]
        return context


@case_move(SubmissionDetailView, "confirm")
def confirm(request, case):
    services.confirm_submission(case, by=request.user)
    return "The entries are confirmed."


@login_required
def timetable(request, code):
    series = queries.series_or_404(code)
    officer = not is_staff_user(request.user)
    papers = series.papers.select_related("component__syllabus").order_by("date", "session")
    if officer and series.timetable_is_draft:
        papers = papers.none()
    centres = _officer_centres(request.user) if officer else []
    open_for_comment = (
        officer
        and series.provisional_timetable_published_at is not None
        and (
            series.timetable_comments_close_on is None
            or london_date(timezone.now()) <= series.timetable_comments_close_on
        )
    )
    form = CommentForm(request.POST or None, centres=centres, series=series)
    if request.method == "POST":
        if not open_for_comment:
            raise PermissionDenied("The timetable is not open for comment.")
        if form.is_valid():
            try:
                services.comment_on_timetable(
                    series,
                    centre=_centre_of(form, request.user),
                    by=request.user,
                    body=form.cleaned_data["body"],
                    paper=form.cleaned_data["paper"],
                )
            except PortalError as error:
                error.onto(form)
            else:
                messages.success(request, "Thank you: your comment is with the entries team.")
                return redirect("entries:timetable", series.code)
    comments = (
        series.comments.visible_to(request.user).select_related(
            "centre", "paper__component__syllabus"
        )
        if officer
        else series.comments.select_related("centre", "paper__component__syllabus")
    )
    return render(
        request,
        "entries/timetable.html",
        {
            "series": series,
            "papers": papers,
            "form": form,
            "open_for_comment": open_for_comment,
            "comments": comments[:200],
            "timetable_late": series.provisional_timetable_overdue(london_date(timezone.now())),
        },
        status=400 if form.errors else 200,
    )
