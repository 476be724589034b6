"""The words of an HTML-only message: what a person reads of it in the staff's queue."""

import pytest

from portal.mailin.parsing import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Dear team,</p><p>Our centre is GB001.</p>", "Dear team,\nOur centre is GB001."),
        ("Line one<br>line two<BR/>line three", "Line one\nline two\nline three"),
        ("<p>Hi<script>alert('x')</script> there</p>", "Hi there"),
        ("<STYLE type='text/css'>p {color: red}</STYLE >Text", "Text"),
        ("Before<!-- a > b -->after", "Before after"),
        ("Fish &amp; chips &lt;b&gt; &#233;t&eacute;", "Fish & chips <b> été"),
        ("<b>bold</b>and<i>italic</i>", "bold and italic"),
        ("3 < 4 and nothing closes", "3 < 4 and nothing closes"),
    ],
)
def test_html_reads_as_text(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # A script or a comment that never ends hides the rest; each is looked for once.
        ("<p>Hello</p>" + "<script>" * 20_000, "Hello"),
        ("<p>Hello</p>" + "<!--" * 20_000, "Hello"),
        ("<p>Hello</p>" + "<style>" * 20_000, "Hello"),
    ],
)
def test_tags_left_open_hide_what_follows(html, text):
    assert html_to_text(html) == text


def test_a_tag_that_never_ends_is_text():
    html = "<p>Hello</p>" + '<a href="' * 50_000

    assert html_to_text(html).splitlines() == ["Hello", '<a href="' * 50_000]
