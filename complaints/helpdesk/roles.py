"""Who may do what with queries (see portal/accounts/roles.py)."""

from portal.accounts.roles import (
    ASSESSMENT_SPECIALIST,
    CUSTOMER_SERVICES,
    ENTRIES_TEAM,
    REGISTRATION_TEAM,
    RESULTS_TEAM,
)

WORKING = ["queries.view_query", "queries.change_query"]

PERMISSIONS = {
    # Customer services answer queries the first time where they can, refer the rest to the
    # team that knows, and take a complaint for what it is.
    CUSTOMER_SERVICES: [
        *WORKING,
        "queries.add_query",
        # They keep the help centre's answers, so that more queries are answered first time.
        *[f"queries.{a}_helpanswer" for a in ("view", "add", "change", "delete")],
    ],
    # The specialist teams a query may be referred to answer it from their own queue.
    ASSESSMENT_SPECIALIST: WORKING,
    ENTRIES_TEAM: WORKING,
    RESULTS_TEAM: WORKING,
    REGISTRATION_TEAM: WORKING,
}
