"""Who may do what with post-results services (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM

PERMISSIONS = {
    # The results team despatches paper copies, certificates and certifying statements, and
    # sends results to institutions.
    RESULTS_TEAM: [
        "postresults.view_servicerequest",
        "postresults.change_servicerequest",
        "postresults.view_certificatedespatch",
        "postresults.change_certificatedespatch",
    ],
    # Customer services answer learners' questions.
    CUSTOMER_SERVICES: ["postresults.view_servicerequest", "postresults.view_certificatedespatch"],
}
