from celery import shared_task

from portal.notifications.sending import send_pending


@shared_task(name="portal.notifications.send_emails")
def send_emails() -> dict:
    # Safe to run side by side and twice: every email is claimed before it is sent.
    return send_pending().__dict__
