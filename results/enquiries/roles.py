"""Who may do what with enquiries about results (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM

VIEWING = ["enquiries.view_enquiry", "enquiries.view_serviceterms"]

PERMISSIONS = {
    # The results team answers enquiries and keeps the fees and deadlines.
    RESULTS_TEAM: [
        *VIEWING,
        "enquiries.change_enquiry",
        *[f"enquiries.{a}_serviceterms" for a in ("add", "change", "delete")],
    ],
    # Customer services read them to answer a centre's questions.
    CUSTOMER_SERVICES: VIEWING,
}
