"""Who may do what with quality assurance (see portal/accounts/roles.py)."""

from portal.accounts.roles import ASSESSMENT_SPECIALIST, RESULTS_TEAM

PERMISSIONS = {
    # Assessment specialists sample centres, open evidence requests, judge the evidence and
    # decide; they also set each series' QA dates.
    ASSESSMENT_SPECIALIST: [
        "qa.view_qarequest",
        "qa.add_qarequest",
        "qa.review_qarequest",
        "qa.view_grade",
        "qa.view_qaseries",
        "qa.add_qaseries",
        "qa.change_qaseries",
        "entries.view_candidate",
    ],
    # The results team reads what QA holds and the grades it issues.
    RESULTS_TEAM: ["qa.view_qarequest", "qa.view_grade"],
}
