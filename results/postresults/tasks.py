from celery import shared_task

from results.postresults import certificates, services


@shared_task(name="postresults.send_due_results")
def send_due_results() -> int:
    # Each request is sent once whatever runs twice: send_results locks and moves it.
    return services.send_due_results()


@shared_task(name="postresults.open_certificate_despatches")
def open_certificate_despatches() -> int:
    # Each centre's case is opened once whatever runs twice: the unique constraint decides.
    return certificates.open_due_certificate_despatches()
