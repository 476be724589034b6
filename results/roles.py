"""Who may do what with results (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM

PERMISSIONS = {
    # The results team loads and corrects results, lifts QA holds and announces release dates.
    RESULTS_TEAM: [
        *[f"results.{a}_result" for a in ("view", "add", "change")],
        "results.view_resultchange",
        *[f"results.{a}_qahold" for a in ("view", "change")],
        *[f"results.{a}_releasedate" for a in ("view", "add")],
        *[f"results.{a}_resultimport" for a in ("view", "add")],
    ],
    # Customer services answer centres' questions about results; they read, never change.
    CUSTOMER_SERVICES: ["results.view_result", "results.view_releasedate"],
}
