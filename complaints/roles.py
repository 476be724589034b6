"""Who may do what with complaints (see portal/accounts/roles.py)."""

from portal.accounts.roles import COMPLAINTS_INVESTIGATOR, CUSTOMER_SERVICES, DIRECTOR

CASE = ["complaints.view_complaint", "complaints.change_complaint"]
THREAD = ["complaints.view_message", "complaints.add_message"]
RESTRICTIONS = [
    "complaints.view_contactrestriction",
    "complaints.add_contactrestriction",
    "complaints.change_contactrestriction",
    "complaints.record_restriction",
]

PERMISSIONS = {
    # Customer services acknowledge and answer at stage 1; investigators take stage 2.
    CUSTOMER_SERVICES: [*CASE, *THREAD, *RESTRICTIONS],
    COMPLAINTS_INVESTIGATOR: [*CASE, *THREAD, *RESTRICTIONS],
    # A Director decides escalations (stage 3).
    DIRECTOR: [*CASE, *THREAD, "complaints.decide_escalation", *RESTRICTIONS],
}
