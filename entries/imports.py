"""A centre's entries for a series from a CSV file (``portal.spreadsheets`` does the
reading, staging and all-or-nothing saving; this says what a good row is and where rows go).

Header: ``candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code`` and
optionally ``uci``. A candidate appears on one row per entry; their details must agree on
every row and with the candidate already registered under that number.
"""

import datetime as dt
import re

from django.db import connection

from entries.models import Candidate, Entry, EntryOption, Syllabus
from entries.terms import entry_terms
from entries.uci import check_character, uci_problem
from portal.calendar import london_date
from portal.spreadsheets import CsvImport, RowError

NUMBER = re.compile(r"^[0-9]{4}$")
SYLLABUS = re.compile(r"^[0-9]{4}$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NAME_MAX = 100
PEOPLE_CACHE = 20_000


class EntriesImport(CsvImport):
    required = (
        "candidate_number",
        "surname",
        "forenames",
        "date_of_birth",
        "syllabus_code",
        "option_code",
    )
    optional = ("uci",)
    staging = (
        ("candidate_number", "varchar(4)"),
        ("surname", "varchar(100)"),
        ("forenames", "varchar(100)"),
        ("date_of_birth", "date"),
        ("uci", "varchar(13)"),
        ("syllabus_id", "bigint"),
        ("option_code", "varchar(4)"),
    )
    duplicate_key = ("candidate_number", "syllabus_id")

    def __init__(self, *, centre, series, accept_late_fee: bool, at: dt.datetime):
        self.centre = centre
        self.series = series
        self.at = at
        self.terms = entry_terms(series, on=london_date(at))
        self.accept_late_fee = accept_late_fee
        self.uci_stem = f"{centre.number}0{series.results_release_at.year % 100:02d}"
        self._proposed: dict[str, str] = {}

    def prepare(self) -> None:
        self.syllabuses = dict(Syllabus.objects.values_list("code", "id"))
        self.offered = {
            (code, option): syllabus_id
            for code, option, syllabus_id in EntryOption.objects.filter(
                series=self.series
            ).values_list("syllabus__code", "code", "syllabus_id")
        }
        self.oldest = dt.date(1900, 1, 1)
        self.youngest = london_date(self.at) - dt.timedelta(days=365 * 5)
        # A candidate's details repeat on each of their rows: checked once (a bounded cache,
        # so that memory stays flat however long the file).
        self.people: dict[tuple, tuple] = {}
        self.term_problem = None
        if self.terms.state == "closed":
            self.term_problem = self.terms.describe(self.series)
        elif self.terms.state == "late" and not self.accept_late_fee:
            self.term_problem = (
                f"{self.terms.describe(self.series)} Accept the late fee to send these entries"
            )

    def check(self, row: dict[str, str]) -> tuple:
        key = (
            row["candidate_number"],
            row["surname"],
            row["forenames"],
            row["date_of_birth"],
            row["uci"],
        )
        person = self.people.get(key)
        if person is None:
            person = self._check_person(*key)
            if len(self.people) < PEOPLE_CACHE:
                self.people[key] = person
        values, problems = person
        problems = list(problems)
        code, option = row["syllabus_code"], row["option_code"].upper()
        syllabus_id = self.offered.get((code, option))
        if syllabus_id is None:
            if code not in self.syllabuses:
                problems.append(f"There is no syllabus {code!r}")
            else:
                problems.append(f"Option {option!r} of {code} is not offered in {self.series.name}")
        if self.term_problem:
            problems.append(self.term_problem)
        if problems:
            raise RowError(*problems, values=self._stageable(values, syllabus_id, option))
        return (*values, syllabus_id, option)

    def _stageable(self, values: tuple, syllabus_id, option: str) -> tuple | None:
        """A refused row's values as far as they fit the staging columns, so that the
        duplicate and details checks see it too; None without a usable candidate number."""
        number, surname, forenames, born, uci = values
        if not NUMBER.match(number):
            return None
        if not uci:
            uci = self._propose(number)  # as a valid row of this candidate would have it
        elif len(uci) > 13:
            uci = None
        return (
            number,
            surname[:NAME_MAX],
            forenames[:NAME_MAX],
            born,
            uci,
            syllabus_id,
            option if len(option) <= 4 else None,
        )

    def _check_person(self, number, surname, forenames, born_text, uci) -> tuple:
        problems = []
        if not NUMBER.match(number) or number == "0000":
            problems.append(f"The candidate number {number!r} is not four digits 0001 to 9999")
        for label, value in (("surname", surname), ("forenames", forenames)):
            if not value:
                problems.append(f"The {label} is missing")
            elif len(value) > NAME_MAX:
                problems.append(f"The {label} is longer than {NAME_MAX} characters")
        born = _date(born_text)
        if born is None:
            problems.append(f"The date of birth {born_text!r} is not a date written YYYY-MM-DD")
        elif not (self.oldest <= born <= self.youngest):
            problems.append(f"The date of birth {born} is not of someone at least five years old")
        uci = uci.upper()
        if uci:
            problem = uci_problem(uci)
            if problem:
                problems.append(problem.rstrip("."))
        elif not problems:
            uci = self._propose(number)
        values = (number, surname, forenames, born.isoformat() if born else None, uci)
        return values, tuple(problems)

    def _propose(self, number: str) -> str:
        uci = self._proposed.get(number)
        if uci is None:
            first_twelve = self.uci_stem + number
            uci = self._proposed[number] = first_twelve + check_character(first_twelve)
        return uci

    def duplicate_message(self, first_line: int) -> str:
        return f"This candidate is entered for this syllabus on line {first_line} already"

    def database_problems(self, cursor, table: str):
        candidates, entries = Candidate._meta.db_table, Entry._meta.db_table
        # One candidate, one set of details: every row must agree with its first.
        cursor.execute(
            f"SELECT s.line, f.line FROM {table} s "
            f"JOIN (SELECT candidate_number, MIN(line) AS line FROM {table} "
            f"GROUP BY candidate_number) m ON m.candidate_number = s.candidate_number "
            f"JOIN {table} f ON f.line = m.line "
            f"WHERE s.line <> f.line AND (s.surname <> f.surname OR s.forenames <> f.forenames "
            f"OR s.date_of_birth <> f.date_of_birth OR s.uci <> f.uci) ORDER BY s.line"
        )
        for line, first in cursor.fetchall():
            yield (
                line,
                f"This candidate's name, date of birth or UCI differs from line {first}",
            )
        # A candidate already registered keeps their details.
        cursor.execute(
            f"SELECT s.line, c.forenames, c.surname, c.date_of_birth, c.uci FROM {table} s "
            f"JOIN {candidates} c ON c.centre_id = %s AND c.series_id = %s "
            f"AND c.candidate_number = s.candidate_number "
            f"WHERE s.surname <> c.surname OR s.forenames <> c.forenames "
            f"OR s.date_of_birth <> c.date_of_birth ORDER BY s.line",
            [self.centre.pk, self.series.pk],
        )
        for line, forenames, surname, born, _uci in cursor.fetchall():
            yield (
                line,
                f"This candidate number is already {forenames} {surname}, born {born}, "
                f"in {self.series.name}",
            )
        cursor.execute(
            f"SELECT s.line, e.status FROM {table} s "
            f"JOIN {candidates} c ON c.centre_id = %s AND c.series_id = %s "
            f"AND c.candidate_number = s.candidate_number "
            f"JOIN {entries} e ON e.candidate_id = c.id AND e.syllabus_id = s.syllabus_id "
            f"ORDER BY s.line",
            [self.centre.pk, self.series.pk],
        )
        for line, status in cursor.fetchall():
            withdrawn = " (withdrawn)" if status == Entry.Status.WITHDRAWN else ""
            yield line, f"This candidate already has an entry for this syllabus{withdrawn}"

    def save(self, cursor, table: str) -> int:
        candidates, entries = Candidate._meta.db_table, Entry._meta.db_table
        centre, series = self.centre.pk, self.series.pk
        # New candidates once each (the rows agree, so any row's details will do).
        cursor.execute(
            f"INSERT INTO {candidates} (centre_id, series_id, candidate_number, uci, surname, "
            f"forenames, date_of_birth) "
            f"SELECT %s, %s, candidate_number, MIN(uci), MIN(surname), MIN(forenames), "
            f"MIN(date_of_birth) FROM {table} WHERE true GROUP BY candidate_number "
            f"ON CONFLICT (centre_id, series_id, candidate_number) DO NOTHING",
            [centre, series],
        )
        cursor.execute(
            f"INSERT INTO {entries} (candidate_id, centre_id, syllabus_id, option_code, status, "
            f"late_fee, created_at) "
            f"SELECT c.id, c.centre_id, s.syllabus_id, s.option_code, %s, %s, %s FROM {table} s "
            f"JOIN {candidates} c ON c.centre_id = %s AND c.series_id = %s "
            f"AND c.candidate_number = s.candidate_number",
            [
                Entry.Status.PROVISIONAL,
                connection.ops.adapt_decimalfield_value(self.terms.fee, 8, 2),
                connection.ops.adapt_datetimefield_value(self.at),
                centre,
                series,
            ],
        )
        return cursor.rowcount


def _date(text: str) -> dt.date | None:
    if not DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
