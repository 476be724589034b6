from django import forms

from complaints.attachments import ATTACHMENTS
from complaints.models import (
    CHANGE,
    TEXT_MAX,
    Category,
    Complaint,
    ContactRestriction,
    Criterion,
    DirectService,
    RootCause,
    Submitter,
)
from complaints.routing import (
    GUIDANCE,
    LEARNER_RESULTS_GUIDANCE,
    LEARNER_SERVICE_GUIDANCE,
    PUBLIC_CATEGORIES,
)
from entries.models import Series
from portal.permissions import active_staff


class GuidedRadioSelect(forms.RadioSelect):
    """Radio buttons that say, under each choice, what happens when it is chosen."""

    option_template_name = "complaints/widgets/guided_radio_option.html"

    def __init__(self, guidance: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guidance = guidance

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.guidance.get(str(value), "")
        if option["hint"] and "id" in option["attrs"]:
            # Screen readers read where a choice leads as they reach it, not only after.
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_hint"
        return option


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once; their content is checked by the service, not here."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": ATTACHMENTS.accept})
        )
        kwargs.setdefault("help_text", ATTACHMENTS.describe())
        kwargs.setdefault("label", "Attachments")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(AttachmentsField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


FORMAL_CHOICES = [
    ("yes", "Make a formal complaint"),
    ("no", "Raise a concern without a formal complaint: we record, analyse and review it"),
]
LABELS = {
    "subject": "Subject",
    "description": "A clear description of your concerns",
    "previous_correspondence": "Details of any previous correspondence with us",
    "alleges_malpractice": "I have evidence that someone has committed malpractice",
    "series": "Exam series",
}
HELP = {
    "syllabus_code": "Four digits, e.g. 0580.",
    "candidate_number": "Four digits, if the complaint is about one candidate.",
    "previous_correspondence": "Dates, references and who you wrote to or spoke with.",
    "series": "Needed for a complaint about a question paper.",
}


class ComplaintForm(forms.ModelForm):
    """An exams officer's complaint for one of their centres."""

    formal = forms.ChoiceField(
        choices=FORMAL_CHOICES, initial="yes", widget=forms.RadioSelect, label="What you want"
    )
    attachments = AttachmentsField()

    class Meta:
        model = Complaint
        fields = ["centre", *Complaint.CENTRE_FIELDS]
        labels = LABELS
        help_texts = HELP
        widgets = {
            "category": GuidedRadioSelect(GUIDANCE),
            "syllabus_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "candidate_number": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["centre"].required = True
        self.fields["centre"].empty_label = None
        self.fields["category"].label = "What is it about?"
        self.fields["category"].choices = Category.choices
        self.fields["series"].queryset = Series.objects.order_by("-results_release_at")


class PublicComplaintForm(forms.Form):
    """A learner's or parent's complaint, without an account."""

    submitter_type = forms.ChoiceField(
        label="You are",
        choices=[(Submitter.LEARNER, "A learner"), (Submitter.PARENT, "A parent or carer")],
        widget=forms.RadioSelect,
    )
    contact_name = forms.CharField(label="Your name", max_length=200)
    contact_email = forms.EmailField(
        label="Your email address", help_text="We confirm your submission and reply here."
    )
    category = forms.ChoiceField(
        label="What is it about?",
        choices=[(c.value, c.label) for c in PUBLIC_CATEGORIES],
        widget=GuidedRadioSelect(
            {
                Category.SERVICE: LEARNER_SERVICE_GUIDANCE,
                Category.RESULTS: LEARNER_RESULTS_GUIDANCE,
                Category.SCHOOL: GUIDANCE[Category.SCHOOL],
            }
        ),
    )
    direct_service = forms.ChoiceField(
        label="The service we gave you directly",
        choices=[("", "None of these"), *DirectService.choices],
        required=False,
    )
    alleges_malpractice = forms.BooleanField(label=LABELS["alleges_malpractice"], required=False)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=TEXT_MAX, label=LABELS["description"], widget=forms.Textarea
    )
    candidate_name = forms.CharField(
        label="Candidate's name", max_length=200, required=False, help_text="If not you."
    )
    previous_correspondence = forms.CharField(
        max_length=TEXT_MAX,
        label=LABELS["previous_correspondence"],
        widget=forms.Textarea,
        required=False,
    )
    attachments = AttachmentsField()
    # A trap for robots: people never see it, so anything in it was filled in by a script.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(max_length=TEXT_MAX, label="Your message", widget=forms.Textarea)
    attachments = AttachmentsField()


class RespondForm(forms.Form):
    response = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea)
    root_cause = forms.ChoiceField(
        choices=[("", "Not yet known"), *RootCause.choices], required=False
    )
    improvement_action = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea, required=False)


class ExtendForm(forms.Form):
    # A day, not an instant: the response is due by the end of that day in London, and a
    # time typed on the page would be read in no one's zone.
    due_at = forms.DateField(
        label="New response date",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label="Progress update for the complainant",
        widget=forms.Textarea,
        help_text="Why the investigation needs longer; sent to the complainant.",
    )


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label="Senior manager",
        queryset=active_staff(with_perm=CHANGE),
    )


class AnalyseForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["root_cause", "improvement_action"]


class RestrictionForm(forms.ModelForm):
    criterion = forms.ChoiceField(choices=Criterion.choices, widget=forms.RadioSelect)

    class Meta:
        model = ContactRestriction
        fields = ["criterion", "action", "details"]
