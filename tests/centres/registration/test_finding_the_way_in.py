"""A school that wants to become a centre finds the way in from the public pages it lands
on: the sign-in page, the footer of every page and the service standards page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

JOIN = reverse("join:interest")


def _part(content: str, tag: str) -> str:
    return re.search(rf"<{tag}\b.*?</{tag}>", content, re.S).group(0)


def _links_to_join(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(rf'<a [^>]*href="{re.escape(JOIN)}"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_sign_in_page_shows_schools_the_way_to_become_a_centre(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert _links_to_join(_part(content, "main")) == [
        "Register your school's interest in becoming a centre"
    ]


@pytest.mark.parametrize(
    "url", [reverse("accounts:login"), reverse("sla:charter"), reverse("join:standards")]
)
def test_footer_of_public_pages_links_to_becoming_a_centre(client, url):
    content = client.get(url).content.decode()
    assert _links_to_join(_part(content, "footer")) == ["Become a centre"]


def test_service_standards_page_tells_schools_where_to_apply(client):
    content = client.get(reverse("sla:charter")).content.decode()
    main = _part(content, "main")
    assert _links_to_join(main) == ["register your school's interest"]
    assert reverse("join:standards") in main
