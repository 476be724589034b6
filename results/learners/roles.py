"""Who may do what with learners' access (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM

PERMISSIONS = {
    # Both answer learners' and centres' questions about access to results; centres act.
    RESULTS_TEAM: ["learners.view_learneraccount"],
    CUSTOMER_SERVICES: ["learners.view_learneraccount"],
}
