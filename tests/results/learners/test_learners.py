"""Learner accounts (contract 1.2): given by the centre, one per candidate's UCI; the
learner's own results from the release instant, never before, never another's."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine

from portal.notifications.models import Email
from results import services as results
from results.learners.models import LearnerAccount
from tests.factories import SeriesFactory
from tests.results.conftest import AFTER, BEFORE, make_result
from tests.results.learners.conftest import UCI
from tests.signing_in import api_as, sign_in

URL = "/api/v1/learner-accounts/"
RESULTS = "/api/v1/learner/results/"


def give(officer, **body):
    return api_as(officer).post(
        URL,
        {"series": "J27", "candidate_number": "0001", "email": "grace@example.org", **body},
        format="json",
    )


def learner_of(response):
    return LearnerAccount.objects.get(pk=response.json()["id"]).user


def test_officer_gives_access_once_and_the_learner_is_invited(officer_gb, results_gb):
    first = give(officer_gb)
    again = give(officer_gb, email="other@example.org")

    assert first.status_code == 201, first.content
    assert set(first.json()) == {"id", "username", "uci", "email"}
    assert first.json()["uci"] == UCI and first.json()["email"] == "grace@example.org"
    assert again.status_code == 200 and again.json() == first.json()
    learner = learner_of(first)
    assert not learner.has_usable_password() and not learner.is_staff
    invitation = Email.objects.get(address="grace@example.org")
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", invitation.body).group(0)
    assert learner.username in invitation.body
    assert link


def test_another_centres_candidate_is_404_and_bad_input_is_400(officer_pk, officer_gb, results_gb):
    assert give(officer_pk).status_code == 404
    refused = give(officer_gb, email="not an address", series="X99")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"series"}
    bad_email = give(officer_gb, email="not an address")
    assert bad_email.status_code == 400 and "email" in bad_email.json()["errors"]
    assert not LearnerAccount.objects.exists()


def test_a_candidate_with_no_uci_is_refused_clearly(officer_gb, results_gb, centre_gb):
    centre_gb.candidates.filter(candidate_number="0001").update(uci="")

    refused = give(officer_gb)

    assert refused.status_code == 400
    assert "no unique candidate identifier" in refused.json()["errors"]["candidate_number"][0]


def test_learner_sees_own_results_from_the_instant_and_withheld_without_grade(
    officer_gb, results_gb, series, centre_gb
):
    learner = learner_of(give(officer_gb))
    results.hold_results(centre=centre_gb, series=series, syllabus=results_gb[1].syllabus)
    client = api_as(learner)

    with time_machine.travel(BEFORE, tick=False):
        before = client.get(RESULTS)
    with time_machine.travel(AFTER, tick=False):
        after = client.get(RESULTS)

    assert before.status_code == 200 and before.json()["results"] == []
    assert after.status_code == 200
    assert after["Cache-Control"] == "private, no-store"
    shown = {(r["syllabus_code"], r["grade"], r["status"]) for r in after.json()["results"]}
    assert shown == {("0580", "A", "issued"), ("0610", None, "withheld")}
    assert {r["uci"] for r in after.json()["results"]} == {UCI}


def test_every_series_under_the_uci_at_that_centre(officer_gb, results_gb, centre_gb):
    november = SeriesFactory(code="N27", name="November 2027", results_release_at=AFTER)
    make_result(centre_gb, november, "0007", "0620", "A*")
    centre_gb.candidates.filter(series=november, candidate_number="0007").update(uci=UCI)
    learner = learner_of(give(officer_gb))

    with time_machine.travel(AFTER + dt.timedelta(seconds=1), tick=False):
        found = api_as(learner).get(RESULTS).json()["results"]

    assert sorted((r["series"], r["syllabus_code"]) for r in found) == [
        ("J27", "0580"),
        ("J27", "0610"),
        ("N27", "0620"),
    ]


def test_learner_results_are_403_to_anyone_else_and_officer_apis_403_to_learners(
    officer_gb, staff_user, results_gb
):
    learner = learner_of(give(officer_gb))

    assert api_as(officer_gb).get(RESULTS).status_code == 403
    assert api_as(staff_user).get(RESULTS).status_code == 403
    assert api_as(learner).get(URL).status_code == 403
    with time_machine.travel(AFTER, tick=False):
        assert api_as(learner).get("/api/v1/results/").json()["results"] == []
        assert api_as(learner).get("/api/v1/entries/").json()["results"] == []


def test_officer_lists_resends_and_withdraws(officer_gb, officer_pk, results_gb):
    account_id = give(officer_gb).json()["id"]
    learner = LearnerAccount.objects.get(pk=account_id).user

    assert [a["id"] for a in api_as(officer_gb).get(URL).json()["results"]] == [account_id]
    assert api_as(officer_pk).get(URL).json()["results"] == []
    assert api_as(officer_pk).post(f"{URL}{account_id}/resend/").status_code == 404
    assert api_as(officer_pk).delete(f"{URL}{account_id}/").status_code == 404
    assert api_as(officer_gb).post(f"{URL}{account_id}/resend/").status_code == 200
    assert Email.objects.filter(address="grace@example.org").count() == 2
    assert api_as(officer_gb).delete(f"{URL}{account_id}/").status_code == 204

    learner.refresh_from_db()
    assert not learner.is_active
    assert api_as(officer_gb).get(URL).json()["results"] == []
    # Given again: the same account, active, invited afresh.
    again = give(officer_gb)
    assert again.status_code == 200 and again.json()["id"] == account_id
    learner.refresh_from_db()
    assert learner.is_active


def test_the_learner_page_counts_down_then_shows_the_results(client, officer_gb, results_gb):
    learner = learner_of(give(officer_gb))

    with time_machine.travel(BEFORE, tick=False):
        sign_in(client, learner)
        before = client.get("/learner/")
        home = client.get("/")
    with time_machine.travel(AFTER, tick=False):
        after = client.get("/learner/")

    page = before.content.decode()
    assert before.status_code == 200 and "data-countdown" in page
    assert "Released in" in page and "0580" not in page
    assert home.status_code == 302 and home["Location"] == "/learner/"
    shown = after.content.decode()
    assert re.search(r'data-label="Grade"><span dir="ltr">A<', shown)
    assert "0580" in shown and "0610" in shown
    assert "Cand0002" not in shown


def test_learner_sees_no_centre_page_and_officers_no_learner_page(client, officer_gb, results_gb):
    learner = learner_of(give(officer_gb))
    sign_in(client, learner)

    assert client.get("/learner-accounts/").status_code == 403
    for page in ("/entries/", "/results/", "/complaints/", "/qa/", "/centres/"):
        assert client.get(page).status_code == 403, page
    client.logout()
    sign_in(client, officer_gb)
    assert client.get("/learner/").status_code == 403


def test_officer_page_gives_access_and_asks_before_withdrawing(client, officer_gb, results_gb):
    sign_in(client, officer_gb)

    refused = client.post(
        "/learner-accounts/", {"series": "J27", "candidate_number": "12", "email": "x"}
    )
    given = client.post(
        "/learner-accounts/",
        {"series": "J27", "candidate_number": "0001", "email": "grace@example.org"},
    )

    assert refused.status_code == 200
    assert "A candidate number is four digits." in refused.content.decode()
    assert given.status_code == 302
    account = LearnerAccount.objects.get()
    listed = client.get("/learner-accounts/").content.decode()
    assert UCI in listed
    assert client.get(f"/learner-accounts/{account.pk}/withdraw/").status_code == 200
    assert client.post(f"/learner-accounts/{account.pk}/withdraw/").status_code == 302
    account.refresh_from_db()
    assert account.withdrawn_at is not None


def test_learner_sends_results_at_the_instant_and_the_centre_is_told(
    client, officer_gb, results_gb, series
):
    from portal.notifications.models import Notification
    from results.postresults.models import ServiceRequest

    learner = learner_of(give(officer_gb))
    body = {
        "series": "J27",
        "recipient_name": "University of Leeds",
        "recipient_email": "admissions@leeds.example.org",
        "reference": "UCAS 123-456",
    }
    with time_machine.travel(BEFORE - dt.timedelta(days=1), tick=False):
        sign_in(client, learner)
        refused = client.post("/learner/", {**body, "recipient_email": "nope"})
        assert refused.status_code == 200 and not ServiceRequest.objects.exists()
        asked = client.post("/learner/", body)
    assert asked.status_code == 302
    case = ServiceRequest.objects.get()
    assert case.status == "scheduled" and case.requested_by == learner
    assert case.candidate.uci == UCI and "UCAS 123-456" in case.details
    assert Notification.objects.filter(user=officer_gb, reference=case.reference).exists()
    assert not Email.objects.filter(address="admissions@leeds.example.org").exists()

    from results.postresults.services import send_due_results

    with time_machine.travel(AFTER, tick=False):
        send_due_results()
    case.refresh_from_db()
    assert case.status == "sent"
    assert Email.objects.filter(address="admissions@leeds.example.org").exists()


def test_a_learner_cannot_send_another_candidates_results(officer_gb, results_gb, series):
    from django.core.exceptions import PermissionDenied

    from portal.errors import PortalError
    from results.postresults.services import request_service

    learner = learner_of(give(officer_gb))
    with pytest.raises(PortalError):
        request_service(
            centre=learner.learner_account.centre,
            by=learner,
            service="results_to_institution",
            series=series,
            candidate_number="0002",
            recipient_name="Anywhere",
            recipient_email="a@example.org",
        )
    with pytest.raises(PortalError, match="Ask your centre"):
        request_service(
            centre=learner.learner_account.centre,
            by=learner,
            service="paper_copies",
            series=series,
            candidate_number="0001",
        )
    other = SeriesFactory(code="N27")
    with pytest.raises(PermissionDenied):
        from tests.factories import CentreFactory

        request_service(
            centre=CentreFactory(number="FR001"),
            by=learner,
            service="results_to_institution",
            series=other,
            candidate_number="0001",
            recipient_name="Anywhere",
            recipient_email="a@example.org",
        )


def test_the_learner_page_in_arabic_is_right_to_left_and_the_choice_is_remembered(
    client, officer_gb, results_gb
):
    learner = learner_of(give(officer_gb))

    with time_machine.travel(BEFORE - dt.timedelta(days=2), tick=False):
        sign_in(client, learner)
        chosen = client.post("/i18n/setlang/", {"language": "ar", "next": "/learner/"})
        page = client.get("/learner/")
        later = client.get("/learner/")

    assert chosen.status_code == 302 and chosen["Location"] == "/learner/"
    shown = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in shown
    assert "<h1>نتائجك</h1>" in shown
    assert "أغسطس" in shown  # the release date's month, in Arabic
    assert "تصدر خلال" in shown and "يوم" in shown  # the countdown
    assert page["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in later.content.decode()


def test_officers_and_staff_read_english_until_their_pages_are_translated(
    client, officer_gb, staff_user, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    signing_in = client.get("/accounts/login/")
    sign_in(client, officer_gb)
    officers = client.get("/")

    assert signing_in["Content-Language"] == "fr"  # not signed in: the language chosen
    assert officers["Content-Language"] == "en-gb"
    assert '<html lang="en-GB" dir="ltr">' in officers.content.decode()

    settings.STAFF_LANGUAGES = ["en-gb", "fr"]  # a catalogue for their pages, and this line
    assert client.get("/")["Content-Language"] == "fr"


def test_a_browsers_language_alone_changes_nothing(client, officer_gb):
    sign_in(client, officer_gb)

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert '<html lang="en-GB" dir="ltr">' in page.content.decode()
    assert "Sign out" in page.content.decode()


# What a learner reads: these pages (with what they extend and include) and the texts of
# these modules (their invitation email, forms and messages). Officers' and staff pages are
# marked for translation too, but translated when a language is offered to them.
LEARNERS_CODE = [
    "results/learners/services.py",
    "results/learners/forms.py",
    "results/learners/views.py",
]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}

# The templates of the pages a learner sees (and the parts they include). Every other
# template is an officer's or staff page: its texts are marked, and English until a
# catalogue translates them.
LEARNER_TEMPLATES = {
    "base.html", "core/_nav_items.html", "_language_chooser.html", "_error_summary.html",
    "_form_fields.html", "accounts/login.html", "accounts/password_reset_confirm.html",
    "learners/home.html",
}  # fmt: skip


def _reached_texts(name: str, seen: set[str]) -> set[str]:
    """The texts marked in template ``name`` and in those it extends and includes, as
    makemessages writes them (a block's variables as ``%(name)s``)."""
    from django.template import Variable
    from django.template.loader import get_template
    from django.template.loader_tags import ExtendsNode, IncludeNode
    from django.templatetags.i18n import BlockTranslateNode, TranslateNode

    if name in seen:
        return set()
    seen.add(name)
    nodelist = get_template(name).template.nodelist
    texts = set()
    for node in nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        texts.add(var.literal if isinstance(var, Variable) else str(var))
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        texts.add(node.render_token_list(node.singular)[0])
        if node.plural:
            texts.add(node.render_token_list(node.plural)[0])
    others = [n.parent_name for n in nodelist.get_nodes_by_type(ExtendsNode)]
    others += [n.template for n in nodelist.get_nodes_by_type(IncludeNode)]
    for other in others:
        if isinstance(other.var, str):  # a name written in the template, not a variable
            texts |= _reached_texts(other.var, seen)
    return texts


def _code_texts(path: str) -> set[str]:
    import ast

    texts = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT
            and node.args
        ):
            first = node.args[1 if node.func.id.startswith("p") else 0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                texts.add(first.value)
    return texts


def _learners_texts() -> set[str]:
    seen: set[str] = set()
    texts = set().union(*(_reached_texts(name, seen) for name in sorted(LEARNER_TEMPLATES)))
    return texts | set().union(*(_code_texts(path) for path in LEARNERS_CODE))


def _msgids(po: str) -> set[str]:
    """The texts of a .po catalogue (its header aside)."""
    found, current, reading = set(), [], False
    for line in Path(po).read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            current, reading = [line[6:]], True
        elif reading and line.startswith('"'):
            current.append(line)
        elif reading:
            text = "".join(part.strip()[1:-1] for part in current)
            found.add(text.encode().decode("unicode_escape").encode("latin-1").decode())
            reading = False
    return found - {""}


# A text as makemessages finds it in a template: gettext(u'...'), ngettext(...), _("...").
MARKED_TEXT = re.compile(r"""(?:\bn?p?gettext|\b_)\(\s*(u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*")""")


def _template_texts(names: set[str] | None = None, *, leaving_out: set[str] | None = None):
    """The texts marked in the project's templates (or in those named), as makemessages
    reads them."""
    import ast

    from django.utils.translation.template import templatize

    folder = Path("templates")
    texts = set()
    for path in sorted(folder.rglob("*.htm*")) + sorted(folder.rglob("*.txt")):
        name = str(path.relative_to(folder))
        if name.startswith("rest_framework/") or name in (leaving_out or set()):
            continue
        if names is not None and name not in names:
            continue
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for call in MARKED_TEXT.finditer(code):
            texts.add(ast.literal_eval(call.group(1)))
    return texts


@pytest.mark.parametrize("language", ["es", "fr", "ar", "zh_Hans"])
def test_every_language_translates_every_text_a_learner_reads(language):
    """A catalogue with a text left out would show English in the middle of a page."""
    import gettext

    with open(Path("locale") / language / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        translated = {
            key[0] if isinstance(key, tuple) else key
            for key in gettext.GNUTranslations(compiled)._catalog
        }
    ours = _learners_texts()

    assert {
        "Your results",
        "Sign in",
        "Choose your password (the link works once, for three days):",
    } <= ours
    assert len(ours) > 40
    assert sorted(ours - translated) == []


def test_officer_pages_are_in_the_catalogues():
    officers_only = _template_texts(leaving_out=LEARNER_TEMPLATES) - _template_texts(
        LEARNER_TEMPLATES
    )

    assert "Revoke all your API tokens" in officers_only
    assert officers_only <= _msgids("locale/es/LC_MESSAGES/django.po")


def test_the_invitation_is_written_in_the_language_the_centre_chose(officer_gb, results_gb):
    given = give(officer_gb, language="fr")
    refused = give(officer_gb, candidate_number="0002", email="b@example.org", language="xx")

    assert given.status_code == 201
    invitation = Email.objects.get(address="grace@example.org")
    assert invitation.subject == "Vos résultats en ligne, de la part de Riverside Academy"
    assert "Votre identifiant : " in invitation.body
    assert "Choisissez votre mot de passe" in invitation.body
    assert LearnerAccount.objects.get().language == "fr"
    assert refused.status_code == 400 and "language" in refused.json()["errors"]


def test_the_officers_page_offers_the_invitations_language(client, officer_gb, results_gb):
    sign_in(client, officer_gb)

    page = client.get("/learner-accounts/").content.decode()
    client.post(
        "/learner-accounts/",
        {
            "series": "J27",
            "candidate_number": "0001",
            "email": "grace@example.org",
            "language": "ar",
        },
    )

    assert "Language of the invitation" in page and "العربيّة" in page
    invitation = Email.objects.get(address="grace@example.org")
    assert invitation.subject.startswith("نتائجك عبر الإنترنت")
