"""The join journey: a school registers its interest (anyone), confirms its email address,
completes its application in steps with save-and-continue, and submits; the registration
team schedules the visit, judges each standard and decides, from the same case page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView, ListView

from centres.registration import queries, services
from centres.registration.applications import CentreApplication
from centres.registration.forms import (
    AssessmentForm,
    ConfirmForm,
    InterestForm,
    JudgementForm,
    ScheduleVisitForm,
    SchoolForm,
    WithdrawForm,
)
from centres.registration.models import Area
from portal import audit
from portal.accounts.confirmation import user_to_confirm
from portal.cases.views import CaseDetailView, case_move, get_case_or_404, refuse_other_roles
from portal.errors import PortalError
from portal.permissions import is_staff_user
from portal.sla.models import with_deadlines
from portal.workflow import actions_for
from portal.zones import viewer_zone

SENT = "join_reference"
JUDGING = ("judge", "request-improvements", "approve")


@method_decorator(never_cache, name="dispatch")
class InterestView(FormView):
    """Register the school's interest: anyone, without an account."""

    template_name = "registration/interest.html"
    form_class = InterestForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        password = data.pop("password")
        data.pop("password_again")
        data["teaches_online"] = data["teaches_online"] == "yes"
        try:
            application = services.register_interest(data=data, password=password)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        self.request.session[SENT] = application.reference
        return redirect("join:sent")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@never_cache
def sent(request):
    reference = request.session.get(SENT)
    application = CentreApplication.objects.filter(reference=reference).first()
    if application is None:
        return redirect("join:interest")
    return render(request, "registration/sent.html", {"application": application})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, uidb64, token):
    """The link in the confirmation email: a page with one button, so that a mail scanner
    opening the link confirms nothing."""
    user = user_to_confirm(uidb64, token)
    if user is None:
        return render(request, "registration/confirm.html", {"valid": False})
    if request.method == "POST":
        try:
            services.confirm_email(user)
        except PortalError:
            return render(request, "registration/confirm.html", {"valid": False})
        messages.success(
            request,
            "Your email address is confirmed and your interest registered. Sign in with your "
            "email address and password to complete the application.",
        )
        return redirect(f"{reverse('accounts:login')}?next={reverse('join:list')}")
    return render(request, "registration/confirm.html", {"valid": True, "email": user.email})


def standards(request):
    """The standards a school is assessed against, for anyone thinking of applying."""
    from centres.registration.models import QualityStandard, StandardSet

    standard_set = StandardSet.objects.current()
    rows = QualityStandard.objects.of_set(standard_set) if standard_set else []
    areas = {}
    for s in rows:
        areas.setdefault(s.get_area_display(), []).append(s)
    context = {"standard_set": standard_set, "areas": areas}
    return render(request, "registration/standards.html", context)


class ApplicationListView(LoginRequiredMixin, ListView):
    template_name = "registration/list.html"
    paginate_by = 50

    def get_queryset(self):
        refuse_other_roles(self.request.user, CentreApplication)
        return (
            CentreApplication.objects.visible_to(self.request.user)
            .select_related("centre")
            .prefetch_related(*with_deadlines())
            .order_by("-created_at", "-pk")
        )


def _rounds(application):
    return application.rounds.prefetch_related("assessments__files").order_by("-number")


def _areas(round_, improvements=None) -> list[dict]:
    """The areas of a round's standards, each with how many are answered and the
    improvements asked for in it."""
    areas = {}
    for a in round_.assessments.all():
        entry = areas.setdefault(a.area, {"area": a.area, "label": Area(a.area).label, "n": 0})
        entry["n"] += 1
        entry.setdefault("done", 0)
        entry["done"] += bool(a.comment and a.files.all())
    for entry in areas.values():
        entry["improvements"] = improvements.of_area(entry["area"]) if improvements else []
    return list(areas.values())


class ApplicationDetailView(CaseDetailView):
    model = CentreApplication
    template_name = "registration/detail.html"
    select_related = ("centre", "applicant", "visitor")
    action_forms = {
        "submit": ConfirmForm,
        "resubmit": ConfirmForm,
        "withdraw": WithdrawForm,
        "schedule-visit": ScheduleVisitForm,
        "judge": JudgementForm,
        "request-improvements": JudgementForm,
        "approve": JudgementForm,
    }

    @classmethod
    def bind_form(cls, name, case, data, files):
        # The judgements are one form with three buttons (save, ask for improvements,
        # approve): whichever is pressed posts the same fields.
        if name in JUDGING:
            return JudgementForm(data, prefix="judge", round=services.editable_round(case))
        return super().bind_form(name, case, data, files)

    def make_form(self, name, form_class):
        if name in JUDGING:
            return JudgementForm(prefix="judge", round=services.editable_round(self.object))
        return super().make_form(name, form_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        user = self.request.user
        rounds = list(_rounds(application))
        current = rounds[0] if rounds else None
        editing = "edit" in context["actions"]
        improvements = queries.improvements_asked(application) if editing else None
        judging = None
        visit_on = services.visit_awaited(application)
        if set(JUDGING) & context["actions"] and visit_on is None:
            refused = context["refused_move"]
            judging = context["refused_form"] if refused in JUDGING else context["forms"]["judge"]
        context.update(
            application=application,
            rounds=rounds,
            current=current,
            editing=editing,
            areas=_areas(current, improvements) if current is not None else [],
            improvements=improvements,
            missing=services.missing_for_submission(application) if editing else [],
            fee=services.fee_for(application.country) if application.fee_amount is None else None,
            judging=judging,
            visit_on=visit_on,
            schedule_form=context["forms"].get("schedule-visit"),
            # One zone for the whole page, the deadlines' too: the school's for the school,
            # London for staff.
            zone=viewer_zone(user, application),
        )
        if is_staff_user(user):
            context["history"] = audit.history_of(application)
        return context


def _owned_for_editing(request, reference):
    application = get_case_or_404(
        CentreApplication, request.user, reference, select_related=("centre", "applicant")
    )
    if not any(m.name == "edit" for m in actions_for(request.user, application)):
        # Seen, but not to be changed now (submitted, or staff): back to the case page.
        return application, False
    return application, True


@require_http_methods(["GET", "POST"])
def school(request, reference):
    """Step 1: about the school. Saved as given; the rest may come later."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    application, editable = _owned_for_editing(request, reference)
    if not editable:
        messages.error(request, "This application cannot be changed now.")
        return redirect(application)
    initial = {f: getattr(application, f) for f in CentreApplication.SCHOOL_FIELDS}
    form = SchoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_school_details(application, by=request.user, data=form.cleaned_data)
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(request, "Saved.")
            if request.POST.get("then") == "later":
                return redirect(application)
            first = _areas(services.editable_round(application))
            if first:
                return redirect("join:area", reference=reference, area=first[0]["area"])
            return redirect(application)
    status = 400 if request.method == "POST" else 200
    context = {"application": application, "form": form}
    return render(request, "registration/school.html", context, status=status)


@require_http_methods(["GET", "POST"])
def area(request, reference, area):
    """A step per area: the school's comment and evidence for each of its standards."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    application, editable = _owned_for_editing(request, reference)
    round_ = services.editable_round(application)
    areas = _areas(round_) if round_ is not None else []
    numbers = [a["area"] for a in areas]
    if area not in numbers:
        raise Http404("No such area.")
    if not editable:
        messages.error(request, "This application cannot be changed now.")
        return redirect(application)
    assessments = round_.assessments.filter(area=area).prefetch_related("files")
    form = AssessmentForm(request.POST or None, request.FILES or None, assessments=assessments)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_self_assessment(
                application,
                by=request.user,
                area=area,
                comments=form.comments(),
                evidence=form.evidence(),
            )
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(request, f"{Area(area).label}: saved.")
            later = numbers[numbers.index(area) + 1 :]
            if request.POST.get("then") == "later" or not later:
                return redirect(application)
            return redirect("join:area", reference=reference, area=later[0])
    status = 400 if request.method == "POST" else 200
    asked = queries.improvements_asked(application).standards
    context = {
        "application": application,
        "form": form,
        "rows": [(*row, asked.get(row[0].code)) for row in form.rows()],
        "area": Area(area),
        "step": numbers.index(area) + 2,
        "steps": len(numbers) + 2,
        "policy": services.EVIDENCE,
    }
    return render(request, "registration/area.html", context, status=status)


@case_move(ApplicationDetailView, "submit")
def submit(request, application, *, confirm):
    services.submit_application(application, by=request.user)
    return "Your application is submitted. We will contact you to arrange the approval visit."


@case_move(ApplicationDetailView, "resubmit")
def resubmit(request, application, *, confirm):
    services.resubmit_application(application, by=request.user)
    return "Your revised application is submitted."


@case_move(ApplicationDetailView, "withdraw")
def withdraw(request, application, *, confirm):
    services.withdraw_application(application, by=request.user)
    return "The application is withdrawn."


@case_move(ApplicationDetailView, "schedule-visit")
def schedule_visit(request, application, *, date, mode, visitor):
    services.schedule_visit(application, by=request.user, date=date, mode=mode, visitor=visitor)
    return "The visit is scheduled; the school has been told."


def _judgements(cleaned: dict) -> list[dict]:
    """The judgements given on the form, from its cleaned fields."""
    return [
        {
            "code": name.removeprefix("judgement_"),
            "judgement": value,
            "improvement": cleaned.get(f"improvement_{name.removeprefix('judgement_')}", ""),
        }
        for name, value in cleaned.items()
        if name.startswith("judgement_") and value
    ]


@case_move(ApplicationDetailView, "judge")
def judge(request, application, **cleaned):
    services.record_judgements(application, by=request.user, judgements=_judgements(cleaned))
    return "Judgements saved."


@case_move(ApplicationDetailView, "request-improvements")
def request_improvements(request, application, *, note, **cleaned):
    services.request_improvements(
        application, by=request.user, judgements=_judgements(cleaned), note=note
    )
    return "Improvements asked for; the school has been told what to do."


@case_move(ApplicationDetailView, "approve")
def approve(request, application, *, note, **cleaned):
    application = services.approve_application(
        application, by=request.user, judgements=_judgements(cleaned), note=note
    )
    return f"Approved: centre {application.centre.number} is created."
