"""``{% load sla %}{% deadlines case %}``: a case's deadlines in plain words.

Dates are shown in the viewer's time zone (``portal.zones.viewer_zone``): their own choice,
else the case's centre's zone for exams officers and the rules' zone (London) for staff.

``{{ clock|deadline_name }}`` and ``{{ rule|deadline_promise }}`` are how every page, notice
and email names a deadline: the rule's own name and what it promises, never its code (codes
belong to the API and the CSV).
"""

import datetime as dt
import math

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop

from portal.calendar import Unit, due_time, london_date, working_calendar
from portal.sla.models import Clock
from portal.sla.names import deadline_name, deadline_promise
from portal.sla.serializers import clocks_of
from portal.zones import viewer_zone

register = template.Library()


register.filter("deadline_name", deadline_name)
register.filter("deadline_promise", deadline_promise)


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


_STATE_NAMES = dict(Clock.State.choices)


@register.filter
def state_name(clock: Clock) -> str:
    """``clock.get_state_display()`` (``{{ clock|state_name }}``), without Django building
    the choices' dictionary again for every clock of a list."""
    return str(_STATE_NAMES.get(clock.state, clock.state))


def _day(at: dt.datetime, zone) -> str:
    local = at.astimezone(zone)
    return f"{local.day} {local:%B}"


def plain_words(clock: Clock, *, now: dt.datetime, zone, cal=None) -> str:
    """What a deadline stands at, as an exams officer would say it."""
    state = Clock.State
    if clock.state in (state.PAUSED, state.CANCELLED):
        return state_name(clock).lower()
    if clock.state == state.MET:
        return f"met on {_day(clock.stopped_at, zone)}"
    if clock.due_at is None:
        return "no date set yet"
    if clock.state == state.BREACHED and clock.stopped_at is not None:
        late = math.ceil((clock.stopped_at - clock.due_at) / dt.timedelta(days=1))
        return f"done on {_day(clock.stopped_at, zone)}, {_plural(late, 'day')} late"
    if now > clock.due_at:
        late = math.ceil((now - clock.due_at) / dt.timedelta(days=1))
        return f"overdue by {_plural(late, 'day')}"
    today, due = london_date(now), london_date(clock.due_at)
    if today == due:
        return "due today"
    if clock.service_level.limit_unit == Unit.WORKING_DAYS:
        count = (cal or working_calendar()).working_days_between(today, due)
        return f"due in {_plural(count, 'working day')}"
    return f"due in {_plural((due - today).days, 'day')}"


def _reading(context, case):
    """A case's clocks and what their words are read against: the reader's time zone, now and
    the working calendar."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return list(clocks_of(case)), viewer_zone(user, case), timezone.now(), working_calendar()


@register.inclusion_tag("sla/_deadlines.html", takes_context=True)
def deadlines(context, case):
    clocks, zone, now, cal = _reading(context, case)
    return {
        "zone": zone,
        "rows": [
            {
                "clock": clock,
                "name": deadline_name(clock),
                "due": due_time(clock.due_at, zone),
                "words": plain_words(clock, now=now, zone=zone, cal=cal),
            }
            for clock in clocks
        ],
    }


@register.simple_tag(takes_context=True)
def deadline_summary(context, case) -> str:
    """The same reading of a case's deadlines, one line each, in the compact form a table
    cell of a list needs: ``{% deadline_summary case %}``. Written here, not by a template of
    its own: a list draws it fifty times, and a template's rendering was most of the page."""
    clocks, zone, now, cal = _reading(context, case)
    if not clocks:
        return format_html('<span class="muted">{}</span>', gettext("No deadlines"))
    return format_html(
        '<ul class="deadlines">{}</ul>',
        format_html_join(
            "",
            '<li><span class="tag tag-{}">{}</span> {}: {}</li>',
            (
                (
                    clock.state,
                    state_name(clock),
                    deadline_name(clock),
                    plain_words(clock, now=now, zone=zone, cal=cal),
                )
                for clock in clocks
            ),
        ),
    )


# The labels of the dashboard's figures, in the order of its columns after the rule and the
# month (the narrow layout shows each beside its figure).
_FIGURE_LABELS = (
    gettext_noop("Started"),
    gettext_noop("Met on time"),
    gettext_noop("Finished late"),
    gettext_noop("Still open"),
    gettext_noop("Of which overdue"),
    gettext_noop("Withdrawn"),
    gettext_noop("On time"),
)


@register.simple_tag
def figures_rows(rows) -> str:
    """The service-level dashboard's table body, a row per rule and start month:
    ``{% figures_rows rows %}``. Written here, not by the template: the dashboard of two
    years draws hundreds of rows, and a template's rendering of each cell was most of the
    page's time (measured)."""
    labels = [gettext(label) for label in _FIGURE_LABELS]
    month, median = gettext("Month"), gettext("Median time taken")
    return format_html_join(
        "\n", "{}", ((_figures_row(row, labels, month, median),) for row in rows)
    )


def _figures_row(row, labels: list[str], month_label: str, median_label: str) -> str:
    overdue = format_html('<strong class="overdue">{}</strong>', row.overdue) if row.overdue else 0
    if row.on_time_percent is None:
        on_time = "–"
    else:
        judged = gettext("of %(judged)s") % {"judged": row.judged}
        on_time = format_html('{}%<br><span class="hint">{}</span>', row.on_time_percent, judged)
    figures = (row.started, row.met, row.late, row.open, overdue, row.withdrawn, on_time)
    return format_html(
        '<tr><th scope="row">{}<br><span class="hint">{}</span></th>'
        '<td class="month" data-label="{}">{}</td>{}<td data-label="{}">{}</td></tr>',
        deadline_name(row.rule),
        deadline_promise(row.rule),
        month_label,
        date_format(row.month, "M Y"),
        format_html_join(
            "", '<td class="number" data-label="{}">{}</td>', zip(labels, figures, strict=True)
        ),
        median_label,
        row.median or "–",
    )
