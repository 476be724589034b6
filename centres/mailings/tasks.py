from celery import shared_task

from centres.mailings import services


@shared_task(name="mailings.send_due")
def send_due() -> dict:
    # Overlapping runs are harmless: an issue is claimed before it is sent, and a clock
    # started twice answers the one already running.
    started = services.prepare_months()
    sent = services.send_due_mailings()
    return {"clocks_started": started, "sent": sent}
