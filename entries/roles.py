"""Who may do what with series, syllabuses, candidates and entries
(see portal/accounts/roles.py)."""

from portal.accounts.roles import (
    ASSESSMENT_SPECIALIST,
    CUSTOMER_SERVICES,
    ENTRIES_TEAM,
    RESULTS_TEAM,
    crud,
)

PERMISSIONS = {
    # The entries team keeps the series, their syllabuses, options, papers and late-entry
    # periods, and works entry submissions and question-paper despatches.
    ENTRIES_TEAM: [
        *crud("entries", "series"),
        *crud("entries", "syllabus"),
        *crud("entries", "candidate"),
        *crud("entries", "entry"),
        *crud("entries", "component"),
        *crud("entries", "entryoption"),
        *crud("entries", "paper"),
        *crud("entries", "lateentryperiod"),
        "entries.view_entrysubmission",
        "entries.change_entrysubmission",
        "entries.view_paperdespatch",
        "entries.change_paperdespatch",
        "entries.view_timetablecomment",
    ],
    # Customer services read what a centre has entered to answer its questions.
    CUSTOMER_SERVICES: [
        "entries.view_series",
        "entries.view_syllabus",
        "entries.view_candidate",
        "entries.view_entry",
        "entries.view_entrysubmission",
        "entries.view_timetablecomment",
    ],
    # Specialists sample entries for QA (and read candidates for it, qa/roles.py).
    ASSESSMENT_SPECIALIST: ["entries.view_series", "entries.view_syllabus", "entries.view_entry"],
    RESULTS_TEAM: ["entries.view_series", "entries.view_entry"],
}
