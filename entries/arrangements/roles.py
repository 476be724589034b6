"""Who may do what with access arrangements, special consideration and appeals
(see portal/accounts/roles.py)."""

from portal.accounts.roles import ASSESSMENT_SPECIALIST, CUSTOMER_SERVICES, DIRECTOR

VIEWING = [
    "arrangements.view_accessarrangement",
    "arrangements.view_specialconsideration",
    "arrangements.view_appeal",
]

PERMISSIONS = {
    # The charter makes the assessment specialists answer for these deadlines.
    ASSESSMENT_SPECIALIST: [
        *VIEWING,
        "arrangements.change_accessarrangement",
        "arrangements.change_specialconsideration",
        "arrangements.decide_appeal",
    ],
    # A Director decides appeals too (the charter tells them of a late one).
    DIRECTOR: [*VIEWING, "arrangements.decide_appeal"],
    # Customer services read the cases to answer a centre's questions.
    CUSTOMER_SERVICES: VIEWING,
}
