from rest_framework import serializers

from complaints.models import CHANGE, TEXT_MAX, Complaint, Message, RootCause
from entries.models import Series
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.permissions import active_staff, centres_visible_to
from portal.uploads.serializers import AttachmentSerializer


class ComplaintFileSerializer(AttachmentSerializer):
    # ``original_name`` is what complaint files were first published with.
    original_name = serializers.CharField(source="name", read_only=True)

    class Meta(AttachmentSerializer.Meta):
        fields = [*AttachmentSerializer.Meta.fields, "original_name"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = ComplaintFileSerializer(source="files", many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "from_staff", "author", "body", "created_at", "attachments"]

    def get_author(self, message) -> str:
        # Staff sign as the Complaints Team; their names stay inside the awarding body.
        if message.from_staff:
            return "Complaints Team"
        return str(message.author) if message.author else ""


class ComplaintSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            *CaseSerializer.Meta.fields,
            "kind",
            "route",
            "route_reason",
            *Complaint.SUBMISSION_FIELDS,
            *Complaint.OUTCOME_FIELDS,
        ]
        read_only_fields = fields


class StaffComplaintSerializer(ComplaintSerializer):
    """What staff see besides: who investigates, what the case taught us, who raised it and
    why a case is held. None of it goes to the centre."""

    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            *Complaint.STAFF_FIELDS,
            "submitter_type",
            "contact_name",
            "contact_email",
            "held_reason",
        ]
        read_only_fields = fields


class ComplaintCreateSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(
        slug_field="number", queryset=Centre.objects.all(), required=False, allow_null=True
    )
    series = serializers.SlugRelatedField(
        slug_field="code", queryset=Series.objects.all(), required=False, allow_null=True
    )
    formal = serializers.BooleanField(
        default=True,
        help_text="False to raise a concern without a formal complaint; it is recorded and "
        "analysed all the same.",
    )

    class Meta:
        model = Complaint
        fields = [
            "centre",
            *Complaint.CENTRE_FIELDS,
            "contact_name",
            "contact_email",
            "formal",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another centre's number is refused exactly like a number that does not exist.
            self.fields["centre"].queryset = centres_visible_to(request.user)


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=TEXT_MAX)
    root_cause = serializers.ChoiceField(choices=RootCause.choices, required=False)
    improvement_action = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True
    )


class ExtendSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=TEXT_MAX)


class AssignSerializer(serializers.Serializer):
    assigned_to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=active_staff(with_perm=CHANGE),
    )


class AnalyseSerializer(serializers.Serializer):
    root_cause = serializers.ChoiceField(choices=RootCause.choices, allow_blank=True)
    improvement_action = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class NewMessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=TEXT_MAX)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AttachmentUploadSerializer(serializers.Serializer):
    """The multipart body of ``POST …/attachments/`` (for the schema: the view reads the
    files itself, with the same checks as a message's)."""

    file = serializers.ListField(child=serializers.FileField(), required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)
    body = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
