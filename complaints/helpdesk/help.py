"""The help centre's search: published answers that match what someone typed, best first.

On PostgreSQL, full-text search (English stemming, the question weighing more than the
answer, ``websearch`` syntax: quotes and ``-word`` work); elsewhere (the embedded default),
every word must appear in the question or the answer, questions that match first.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from complaints.helpdesk.models import HelpAnswer

# Words shorter than this say little ("is", "a") and match almost everything.
SHORTEST_WORD = 3
MOST_WORDS = 12
QUERY_MAX = 200


def words_of(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", (text or "").lower()) if len(w) >= SHORTEST_WORD][
        :MOST_WORDS
    ]


def search_answers(text: str, *, limit: int = 10):
    """Published answers matching ``text``, at most ``limit``; none for an empty search."""
    text = (text or "").strip()[:QUERY_MAX]
    words = words_of(text)
    if not words:
        return HelpAnswer.objects.none()
    answers = HelpAnswer.objects.published()
    if connection.vendor == "postgresql":
        vector = SearchVector("question", weight="A", config="english") + SearchVector(
            "answer", weight="B", config="english"
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            answers.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "question")[:limit]
        )
    matching = Q()
    in_question = Q()
    for word in words:
        matching &= Q(question__icontains=word) | Q(answer__icontains=word)
        in_question &= Q(question__icontains=word)
    return (
        answers.filter(matching)
        .annotate(
            first=Case(
                When(in_question, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("first", "question")[:limit]
    )
