"""The complaint pages: exams officers raise and follow their centre's complaints; staff work
each case from its page; learners and parents use the public form without an account."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from complaints import queries, services
from complaints.forms import (
    AnalyseForm,
    AssignForm,
    ComplaintForm,
    ExtendForm,
    PublicComplaintForm,
    ReplyForm,
    RespondForm,
    RestrictionForm,
)
from complaints.models import ACKNOWLEDGE, Complaint, Message, Submitter
from complaints.steps import STEPS
from portal.calendar import end_of_day
from portal.cases.views import (
    CaseDetailView,
    CaseListView,
    case_move,
    get_case_or_404,
    refuse_other_roles,
)
from portal.errors import PortalError
from portal.net import over_public_limit
from portal.permissions import centres_visible_to, staff_required
from portal.sla import services as sla

PUBLIC_WINDOW = 60 * 60


def get_complaint_or_404(user, reference: str) -> Complaint:
    """The one way the pages reach a case: another centre's case answers 404."""
    return get_case_or_404(Complaint, user, reference, select_related=SELECTED)


SELECTED = ("centre", "series", "assigned_to", "submitted_by")
VIEW = "complaints.view_complaint"


class ComplaintListView(CaseListView):
    model = Complaint
    template_name = "complaints/list.html"


class ComplaintCreateView(LoginRequiredMixin, FormView):
    template_name = "complaints/form.html"
    form_class = ComplaintForm

    def dispatch(self, request, *args, **kwargs):
        refuse_other_roles(request.user, Complaint)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "centres": centres_visible_to(self.request.user)}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        files = data.pop("attachments")
        formal = data.pop("formal") == "yes"
        centre = data.pop("centre")
        try:
            complaint = services.submit_complaint(
                data=data,
                centre=centre,
                submitted_by=self.request.user,
                submitter_type=Submitter.STAFF if self.request.user.is_staff else Submitter.CENTRE,
                files=files,
                formal=formal,
            )
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        if complaint.status in (Complaint.Status.REDIRECTED, Complaint.Status.RECORDED):
            messages.warning(
                self.request,
                f"{complaint.reference} is recorded but not taken on as a formal complaint: "
                f"{complaint.route_reason}",
            )
        else:
            messages.success(self.request, f"Complaint {complaint.reference} received.")
        return redirect(complaint)


class ComplaintDetailView(CaseDetailView):
    model = Complaint
    template_name = "complaints/detail.html"
    select_related = SELECTED
    action_forms = {
        **STEPS.actions(),
        "reply": ReplyForm,
        "assign": AssignForm,
        "respond": RespondForm,
        "extend": ExtendForm,
        "analyse": AnalyseForm,
        "restrict": RestrictionForm,
    }

    def make_form(self, name, form_class):
        if name == "analyse":
            return form_class(instance=self.object, prefix=name)
        return super().make_form(name, form_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.object
        context.update(
            complaint=complaint,
            thread=complaint.messages.select_related("author").prefetch_related("files"),
            attachments=complaint.files.exclude(
                pk__in=Message.files.through.objects.filter(message__complaint=complaint).values(
                    "attachment_id"
                )
            ),
        )
        return context


@case_move(ComplaintDetailView, "reply")
def reply(request, complaint, *, body, attachments):
    services.add_message(complaint, by=request.user, body=body, files=attachments)
    return "Your message has been added to the correspondence."


@case_move(ComplaintDetailView, "assign")
def assign(request, complaint, *, assigned_to):
    services.assign_complaint(complaint, to=assigned_to, by=request.user)
    return f"Assigned to {assigned_to}."


@case_move(ComplaintDetailView, "respond")
def respond(request, complaint, **answer):
    services.respond_to_complaint(complaint, by=request.user, **answer)
    return "Response sent."


@case_move(ComplaintDetailView, "extend")
def extend(request, complaint, *, due_at, reason):
    services.extend_response(complaint, by=request.user, due_at=end_of_day(due_at), reason=reason)
    return "New response date set; the progress update was sent."


@case_move(ComplaintDetailView, "analyse")
def analyse(request, complaint, *, root_cause, improvement_action):
    services.analyse_complaint(
        complaint, by=request.user, root_cause=root_cause, improvement_action=improvement_action
    )
    return "Root cause and improvement action saved."


@case_move(ComplaintDetailView, "restrict")
def restrict(request, complaint, *, criterion, action, details):
    services.record_restriction(
        by=request.user,
        criterion=criterion,
        action=action,
        details=details,
        email=complaint.contact_email,
        user=complaint.complainant_account,
        complaint=complaint,
    )
    return "Restriction recorded; the person has been told by email."


def _over_public_limit(request, email: str) -> bool:
    """Count this attempt against the address it came from and the email it gives."""
    return over_public_limit(
        request,
        scope="complaints:public",
        email=email,
        limit=settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR,
        window=PUBLIC_WINDOW,
    )


@method_decorator(never_cache, name="dispatch")
class PublicComplaintView(FormView):
    template_name = "complaints/public_form.html"
    form_class = PublicComplaintForm

    def post(self, request, *args, **kwargs):
        if _over_public_limit(request, request.POST.get("contact_email", "")):
            return render(request, "complaints/public_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if data.pop("website"):
            form.add_error(None, "We could not accept this form. Please try again.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        files = data.pop("attachments")
        submitter_type = data.pop("submitter_type")
        try:
            complaint = services.submit_complaint(
                data=data, submitter_type=submitter_type, files=files
            )
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        self.request.session["complaints_public_reference"] = complaint.reference
        return HttpResponseRedirect(reverse("complaints:public_sent"))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@never_cache
def public_sent(request):
    reference = request.session.get("complaints_public_reference")
    complaint = Complaint.objects.filter(reference=reference).first() if reference else None
    if complaint is None:
        return redirect("complaints:public")
    context = {"complaint": complaint, "promise": sla.promise(ACKNOWLEDGE)}
    return render(request, "complaints/public_sent.html", context)


@method_decorator(staff_required, name="dispatch")
@method_decorator(permission_required(VIEW, raise_exception=True), name="dispatch")
class ReportView(TemplateView):
    template_name = "complaints/report.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **queries.report()}


@staff_required
@permission_required(VIEW, raise_exception=True)
def report_csv(request):
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in queries.csv_rows(Complaint.objects.all())),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
    return response
