"""Reference data from CSV, for staff: a series' timetable and its entry options
(``portal.spreadsheets``: every row checked, all saved or none, errors by line).

Timetable: ``syllabus_code,component_code,component_title,date,session,duration_minutes``
(session ``am`` or ``pm``); the syllabus must exist, the component is created if new.
Options: ``syllabus_code,option_code,title,components`` (components space-separated, e.g.
``22 42``; each must be a component of the syllabus, or in the same file's timetable).
"""

import datetime as dt
import re

from django.db import transaction

from entries.models import Component, EntryOption, Paper, Series, Syllabus
from portal.spreadsheets import CsvImport, RowError, run_import

TWO_DIGITS = re.compile(r"^[0-9]{2}$")
OPTION = re.compile(r"^[A-Z0-9]{1,4}$")


class TimetableImport(CsvImport):
    required = (
        "syllabus_code",
        "component_code",
        "component_title",
        "date",
        "session",
        "duration_minutes",
    )
    staging = (
        ("syllabus_id", "bigint"),
        ("component_code", "varchar(2)"),
        ("component_title", "varchar(200)"),
        ("date", "date"),
        ("session", "varchar(2)"),
        ("minutes", "integer"),
    )
    duplicate_key = ("syllabus_id", "component_code")

    def __init__(self, series: Series):
        self.series = series

    def prepare(self):
        self.syllabuses = dict(Syllabus.objects.values_list("code", "id"))

    def check(self, row):
        problems = []
        syllabus_id = self.syllabuses.get(row["syllabus_code"])
        if syllabus_id is None:
            problems.append(f"There is no syllabus {row['syllabus_code']!r}")
        if not TWO_DIGITS.match(row["component_code"]):
            problems.append("A component code is two digits")
        if not row["component_title"] or len(row["component_title"]) > 200:
            problems.append("Give the component's title (up to 200 characters)")
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            date = None
            problems.append(f"The date {row['date']!r} is not written YYYY-MM-DD")
        if row["session"] not in ("am", "pm"):
            problems.append("The session is am or pm")
        minutes = row["duration_minutes"]
        if not (minutes.isdigit() and 0 < int(minutes) <= 600):
            problems.append("The duration is a number of minutes, 1 to 600")
        if problems:
            raise RowError(*problems)
        return (
            syllabus_id,
            row["component_code"],
            row["component_title"],
            date.isoformat(),
            row["session"],
            int(minutes),
        )

    def duplicate_message(self, first_line):
        return f"This component is timetabled on line {first_line} already"

    def save(self, cursor, table):
        cursor.execute(
            f"SELECT syllabus_id, component_code, component_title, date, session, minutes "
            f"FROM {table} ORDER BY line"
        )
        saved = 0
        for syllabus_id, code, title, date, session, minutes in cursor.fetchall():
            component, _ = Component.objects.update_or_create(
                syllabus_id=syllabus_id, code=code, defaults={"title": title}
            )
            Paper.objects.update_or_create(
                series=self.series,
                component=component,
                defaults={
                    "date": _as_date(date),
                    "session": session,
                    "duration": dt.timedelta(minutes=minutes),
                },
            )
            saved += 1
        return saved


class OptionsImport(CsvImport):
    required = ("syllabus_code", "option_code", "title", "components")
    staging = (
        ("syllabus_id", "bigint"),
        ("option_code", "varchar(4)"),
        ("title", "varchar(200)"),
        ("components", "varchar(200)"),
    )
    duplicate_key = ("syllabus_id", "option_code")

    def __init__(self, series: Series):
        self.series = series

    def prepare(self):
        self.syllabuses = dict(Syllabus.objects.values_list("code", "id"))
        self.components = set(Component.objects.values_list("syllabus__code", "code"))

    def check(self, row):
        problems = []
        code = row["syllabus_code"]
        syllabus_id = self.syllabuses.get(code)
        if syllabus_id is None:
            problems.append(f"There is no syllabus {code!r}")
        option = row["option_code"].upper()
        if not OPTION.match(option):
            problems.append("An option code is up to four letters or digits")
        components = row["components"].split()
        if not components:
            problems.append("List the option's components, e.g. 22 42")
        unknown = [c for c in components if (code, c) not in self.components]
        if syllabus_id is not None and unknown:
            problems.append(f"{code} has no component {', '.join(unknown)}")
        if len(row["title"]) > 200:
            problems.append("The title is at most 200 characters")
        if problems:
            raise RowError(*problems)
        return (syllabus_id, option, row["title"], " ".join(components))

    def duplicate_message(self, first_line):
        return f"This option is on line {first_line} already"

    def save(self, cursor, table):
        cursor.execute(f"SELECT syllabus_id, option_code, title, components FROM {table}")
        saved = 0
        for syllabus_id, code, title, components in cursor.fetchall():
            option, _ = EntryOption.objects.update_or_create(
                series=self.series, syllabus_id=syllabus_id, code=code, defaults={"title": title}
            )
            option.components.set(
                Component.objects.filter(syllabus_id=syllabus_id, code__in=components.split())
            )
            saved += 1
        return saved


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def import_reference(kind: str, *, series: Series, stream, by):
    """Import a series' ``timetable`` or ``options`` CSV (all rows or none)."""
    from portal import audit

    spec = {"timetable": TimetableImport, "options": OptionsImport}[kind](series)
    with transaction.atomic():
        outcome = run_import(spec, stream)
        if outcome.ok:
            audit.record(
                series,
                f"{kind}_imported",
                by=by,
                summary=f"{outcome.created} {kind} rows imported",
            )
    return outcome
