"""The certificate pages: officers follow their centres' despatches (404 for another
centre's), the results team acts from the case page and works the queue in the admin."""

from django.urls import reverse

from results.models import Result
from results.postresults import certificates
from results.postresults.models import CertificateDespatch
from tests.results.postresults.conftest import add_result
from tests.signing_in import sign_in

Status = CertificateDespatch.Status


def test_officer_list_and_page_show_the_despatch_and_what_is_not_certificated(
    client, certificates_gb, officer_gb
):
    sign_in(client, officer_gb)

    listed = client.get(reverse("postresults:certificates:list")).content.decode()
    page = client.get(certificates_gb.get_absolute_url()).content.decode()

    assert certificates_gb.reference in listed and "PK002" not in listed
    assert "June 2026 certificates" in page and "Due for despatch" in page
    assert "2 candidates with issued results" in page
    assert "2 candidates with results held by quality assurance or withheld" in page
    assert "Record the despatch" not in page


def test_post_results_page_links_to_the_certificates(client, officer_gb):
    sign_in(client, officer_gb)

    page = client.get(reverse("postresults:list")).content.decode()

    assert reverse("postresults:certificates:list") in page


def test_another_centres_officer_gets_404(client, certificates_gb, officer_pk):
    sign_in(client, officer_pk)

    assert client.get(certificates_gb.get_absolute_url()).status_code == 404
    url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])
    assert client.post(url, {"despatch-courier": "DHL"}).status_code == 404
    listed = client.get(reverse("postresults:certificates:list")).content.decode()
    assert certificates_gb.reference not in listed


def test_officer_may_not_despatch(client, certificates_gb, officer_gb):
    sign_in(client, officer_gb)
    url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])

    assert client.post(url, {"despatch-courier": "DHL"}).status_code == 403


def test_staff_record_the_despatch_from_the_case_page(staff_client, certificates_gb):
    url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])
    data = {
        "despatch-courier": "DHL Express",
        "despatch-tracking_reference": "JD0146",
        "despatch-despatched_on": "2026-09-04",
    }

    response = staff_client.post(url, data)

    certificates_gb.refresh_from_db()
    assert response.status_code == 302
    assert (certificates_gb.status, certificates_gb.tracking_reference) == (
        Status.DESPATCHED,
        "JD0146",
    )
    page = staff_client.get(certificates_gb.get_absolute_url()).content.decode()
    assert "4 Sep 2026 by DHL Express" in page and "Despatch recorded" in page


def test_staff_despatch_without_a_courier_is_shown_again_with_the_error(
    staff_client, certificates_gb
):
    url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])

    response = staff_client.post(url, {"despatch-courier": "", "despatch-tracking_reference": "X1"})

    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error:" in page
    assert 'href="#id_despatch-courier"' in page and 'value="X1"' in page
    certificates_gb.refresh_from_db()
    assert certificates_gb.status == Status.DUE


def test_staff_despatch_dated_tomorrow_is_refused_on_the_page(staff_client, certificates_gb):
    url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])

    response = staff_client.post(
        url, {"despatch-courier": "DHL", "despatch-despatched_on": "2026-09-08"}
    )

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_staff_hold_and_end_the_hold_from_the_case_page(staff_client, certificates_gb):
    hold = reverse("postresults:certificates:hold", args=[certificates_gb.reference])
    resume = reverse("postresults:certificates:resume", args=[certificates_gb.reference])

    assert staff_client.post(hold, {"hold-reason": ""}).status_code == 400
    assert staff_client.post(hold, {"hold-reason": "Confirm your address."}).status_code == 302
    page = staff_client.get(certificates_gb.get_absolute_url()).content.decode()
    assert "Confirm your address." in page
    # Held, the despatch may still be recorded; ending the hold is beside it, its own heading.
    assert '<h2 id="resume">End the hold</h2>' in page
    assert f'action="{resume}" novalidate>' in page
    assert '<button type="submit" class="button secondary">End the hold</button>' in page
    assert '<h2 id="hold">' not in page and '<h2 id="despatch">Record the despatch</h2>' in page
    assert staff_client.post(resume).status_code == 302

    certificates_gb.refresh_from_db()
    assert (certificates_gb.status, certificates_gb.hold_reason) == (Status.DUE, "")


def test_staff_queue_lists_the_despatches_next_due_first(staff_client, certificates_gb):
    response = staff_client.get(reverse("admin:postresults_certificatedespatch_changelist"))

    page = response.content.decode()
    assert response.status_code == 200 and certificates_gb.reference in page
    assert "11 Oct 23:59" in page


def test_staff_whose_role_does_not_work_with_certificates_are_refused(client, certificates_gb):
    from portal.accounts.roles import ASSESSMENT_SPECIALIST
    from tests.factories import StaffFactory
    from tests.signing_in import api_as

    specialist = StaffFactory(username="specialist", roles=[ASSESSMENT_SPECIALIST])
    sign_in(client, specialist)

    assert client.get(reverse("postresults:certificates:list")).status_code == 403
    assert client.get(certificates_gb.get_absolute_url()).status_code == 403
    assert api_as(specialist).get("/api/v1/certificate-despatches/").status_code == 403


def test_pages_count_what_is_held_now_until_the_certificates_go(
    client, certificates_gb, officer_gb, results_team, centre_gb, june
):
    # After the certificates fell due, 0004's pending result is withheld: the certificate
    # pages count it, as the results page does.
    Result.objects.filter(candidate__candidate_number="0004").update(status="withheld")
    sign_in(client, officer_gb)

    listed = client.get(reverse("postresults:certificates:list")).content.decode()
    page = client.get(certificates_gb.get_absolute_url()).content.decode()

    assert "(3 candidates with results held or withheld)" in listed
    assert "3 candidates with results held by quality assurance or withheld" in page
    assert "2 candidates with issued results" in page


def test_pages_keep_the_counts_of_what_went_out(
    client, certificates_gb, officer_gb, results_team, centre_gb, june
):
    certificates.despatch_certificates(certificates_gb, by=results_team, courier="DHL")
    add_result(centre_gb, june, "0005", "0580", status="withheld", grade="")
    sign_in(client, officer_gb)

    listed = client.get(reverse("postresults:certificates:list")).content.decode()
    page = client.get(certificates_gb.get_absolute_url()).content.decode()

    assert "(2 candidates with results held or withheld)" in listed
    assert "2 candidates with results held by quality assurance or withheld" in page
