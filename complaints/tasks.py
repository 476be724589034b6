"""Emails to complainants, sent by the worker after the change that caused them commits."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


@shared_task(name="complaints.send_message_email")
def send_message_email(*, message_id: int) -> None:
    from complaints.models import Message

    message = Message.objects.select_related("complaint__centre").filter(pk=message_id).first()
    if message is None or not message.complaint.notify_address:
        return
    complaint = message.complaint
    context = {"complaint": complaint, "message": message, "base_url": settings.PORTAL_BASE_URL}
    send_mail(
        # A subject typed with line breaks must not break the email's header.
        subject=" ".join(
            f"{complaint.reference}: {message.get_kind_display()} – {complaint.subject}".split()
        )[:200],
        message=render_to_string("complaints/email/message.txt", context),
        from_email=None,
        recipient_list=[complaint.notify_address],
    )


@shared_task(name="complaints.send_restriction_email")
def send_restriction_email(*, restriction_id: int) -> None:
    from complaints.models import ContactRestriction

    restriction = ContactRestriction.objects.filter(pk=restriction_id).first()
    if restriction is None or not restriction.email:
        return
    send_mail(
        subject="How we will deal with your contact with us",
        message=render_to_string("complaints/email/restriction.txt", {"r": restriction}),
        from_email=None,
        recipient_list=[restriction.email],
    )


@shared_task(name="complaints.send_escalation_email")
def send_escalation_email(*, complaint_id: int) -> None:
    """Tell the Directors that a complainant asks for their review."""
    from django.contrib.auth import get_user_model

    from complaints.models import Complaint
    from portal.accounts.roles import DIRECTOR

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return
    directors = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=DIRECTOR)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not directors:
        return
    context = {"complaint": complaint, "base_url": settings.PORTAL_BASE_URL}
    send_mail(
        subject=f"{complaint.reference}: a Director's review is asked for",
        message=render_to_string("complaints/email/escalation.txt", context),
        from_email=None,
        recipient_list=list(directors),
    )
