"""The staff area's case queues: their filter links are targets staff can hit (WCAG 2.2's
target size, at least 24 by 24 CSS pixels), on each queue a role works."""

import pytest

from tests.browser.pages import (
    load_axe,
    signed_in_as,
)

pytestmark = pytest.mark.usefixtures("demo")

QUEUES = [
    "/admin/complaints/complaint/",
    "/admin/queries/query/",
    "/admin/arrangements/accessarrangement/",
    "/admin/enquiries/enquiry/",
    "/admin/sla/clock/",
]


def target_size_violations(page) -> list[str]:
    load_axe(page)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})"
    )
    return [" ".join(node["target"]) for v in result["violations"] for node in v["nodes"][:5]]


def test_filter_links_of_the_case_queues_are_large_enough_to_hit(page, live_server):
    signed_in_as(page, live_server.url, "staff")
    for queue in QUEUES:
        page.goto(f"{live_server.url}{queue}")
        assert page.locator("#changelist-filter").count() == 1, queue
        assert target_size_violations(page) == [], queue
