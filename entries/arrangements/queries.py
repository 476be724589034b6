"""Reading the applications: the lists of the officer's page, the series still taking
applications with their deadlines, and the home page section."""

from django.db.models import Max
from django.utils import timezone

from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from entries.arrangements.services import arrangements_close_at, consideration_window_end
from entries.models import Paper, Series
from portal.calendar import london_date
from portal.cases.models import next_due_first, role_refuses
from portal.sla.models import with_deadlines

LISTED = 200
HOME_SHOWN = 10


def _cases(model, user, *, show_all: bool, related=()):
    cases = (
        model.objects.visible_to(user, listed=True)
        .select_related("centre", *related)
        .prefetch_related(*with_deadlines())
    )
    if not show_all:
        cases = cases.open()
    return list(cases.order_by("-created_at", "-pk")[:LISTED])


def cases_of(user, *, show_all: bool = False) -> dict:
    """The user's access arrangements, special consideration and appeals (open ones unless
    ``show_all``), newest first."""
    return {
        "arrangements": _cases(
            AccessArrangement, user, show_all=show_all, related=("series", "candidate")
        ),
        "considerations": _cases(
            SpecialConsideration,
            user,
            show_all=show_all,
            related=("series", "candidate", "syllabus"),
        ),
        "appeals": _cases(
            Appeal,
            user,
            show_all=show_all,
            related=("access_arrangement", "special_consideration"),
        ),
    }


def application_windows(now=None) -> list[dict]:
    """Each series whose results are still to come: until when access arrangements needing
    approval are taken, and until when special consideration is taken for each syllabus
    with a timetabled paper (7 days after its last paper)."""
    now = now or timezone.now()
    windows = []
    for series in Series.objects.filter(results_release_at__gt=now).order_by("results_release_at"):
        last_papers = (
            Paper.objects.filter(series=series)
            .values("component__syllabus__code", "component__syllabus__title")
            .annotate(last=Max("date"))
            .order_by("component__syllabus__code")
        )
        aa_closes = arrangements_close_at(series)
        windows.append(
            {
                "series": series,
                "aa_deadline": series.access_arrangements_deadline,
                "aa_open": aa_closes is None or now <= aa_closes,
                "syllabuses": [
                    {
                        "code": row["component__syllabus__code"],
                        "title": row["component__syllabus__title"],
                        "last_paper": row["last"],
                        "closes": london_date(consideration_window_end(series, row["last"])),
                    }
                    for row in last_papers
                ],
            }
        )
    return windows


def home_section(user, centres) -> dict | None:
    """Open applications and appeals, whatever is due soonest first: the officer's own
    centres'; for staff whose role works with them, the queue's head."""
    if role_refuses(user, AccessArrangement):
        return None
    models = (AccessArrangement, SpecialConsideration, Appeal)
    # One query first, so that a home page with nothing open costs the same as before.
    heads = [model.objects.visible_to(user).open() for model in models]
    if not user.is_staff:
        heads = [head.filter(centre__in=centres) for head in heads]
    heads = [head.order_by().values_list("created_at") for head in heads]
    if not list(heads[0].union(*heads[1:])[:1]):
        if user.is_staff:
            return None
        return {"template": "arrangements/_home_section.html", "cases": [], "staff": False}
    cases = []
    for model in models:
        found = (
            model.objects.visible_to(user, listed=True)
            .open()
            .select_related("centre")
            .prefetch_related(*with_deadlines())
            .order_by(next_due_first(), "created_at")
        )
        if not user.is_staff:
            found = found.filter(centre__in=centres)
        cases += list(found[:HOME_SHOWN])
    far = timezone.now().replace(year=9999)
    cases.sort(key=lambda c: (c.next_due or far, c.created_at))
    cases = cases[:HOME_SHOWN]
    if not cases and user.is_staff:
        return None
    return {"template": "arrangements/_home_section.html", "cases": cases, "staff": user.is_staff}
