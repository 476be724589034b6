"""Who may do what with queries (see portal/accounts/roles.py)."""

from complaints.helpdesk.models import Query
from portal.accounts.roles import CUSTOMER_SERVICES, crud, working

PERMISSIONS = {
    # Customer services answer queries the first time where they can, refer the rest to the
    # team that knows, and take a complaint for what it is. They keep the help centre's
    # answers, so that more queries are answered first time.
    CUSTOMER_SERVICES: [*working(Query), "queries.add_query", *crud("queries", "helpanswer")],
    # The specialist teams a query may be referred to answer it from their own queue.
    **dict.fromkeys(Query.QUEUE.teams, working(Query)),
}
