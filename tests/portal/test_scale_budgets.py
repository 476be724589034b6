"""How ``bench/scale.py`` judges each row of its table against the budgets of a page at full
size: the figures are made up here, the judgement is the benchmark's own."""

from bench.scale import _side_by_side, over_budget


def _page(**figures):
    found = {
        "median": 30.0,
        "bare": 4.0,
        "served": 40.0,
        "served_bare": 5.0,
        "rows_read": 900,
        "bytes": 40_000,
        "peak": 2**20,
        "first": None,
    }
    return {**found, **figures}


def test_a_page_within_every_budget():
    assert over_budget(_page()) == []


def test_a_served_page_is_judged_by_its_served_ratio():
    # 7.5 times the bare view in the process, 11 times through the server.
    assert over_budget(_page(served=55.0)) == ["served ratio 11.0"]
    # Without serving, the ratio in the process is the one there is.
    unserved = _page(median=50.0)
    del unserved["served"], unserved["served_bare"]
    assert over_budget(unserved) == ["ratio 12.5"]


def test_rows_bytes_and_memory_over_are_each_named():
    assert over_budget(_page(rows_read=100_897, bytes=3 * 2**20, peak=40 * 2**20)) == [
        "100,897 rows read",
        "3.0 MB",
        "peak 40 MiB",
    ]


def test_an_export_is_judged_by_its_first_byte_and_memory_not_by_what_it_reads():
    export = _page(served=48_000.0, rows_read=1_305_401, bytes=70_000_000, first=11.0)
    assert over_budget(export) == []
    assert over_budget({**export, "first": 1_500.0, "peak": 20 * 2**20}) == [
        "first byte 1500 ms",
        "peak 20 MiB",
    ]


def test_the_bare_view_and_the_page_are_asked_in_turns():
    asked = []
    bare, page = _side_by_side(
        lambda: asked.append("bare") or 1, lambda: asked.append("page") or 2, 3
    )
    assert asked == ["bare", "page"] * 3
    assert (bare, page) == ([1, 1, 1], [2, 2, 2])
