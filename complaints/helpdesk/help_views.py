"""The help centre's pages, open to everyone: answers by topic, a search, one page per
answer, and the suggestions the query form shows as an officer types."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from complaints.helpdesk.help import QUERY_MAX, search_answers
from complaints.helpdesk.models import HelpAnswer, Topic

SUGGESTIONS = 5


@require_GET
def index(request):
    text = request.GET.get("q", "")
    error = ""
    if len(text) > QUERY_MAX:
        error = f"Keep the search to {QUERY_MAX} characters."
        text = ""
    found = list(search_answers(text, limit=20)) if text.strip() else None
    by_topic = []
    if found is None:
        answers = list(HelpAnswer.objects.published().only("id", "topic", "question"))
        by_topic = [
            (label, [a for a in answers if a.topic == value])
            for value, label in Topic.choices
            if any(a.topic == value for a in answers)
        ]
    return render(
        request,
        "queries/help.html",
        {"q": text, "found": found, "by_topic": by_topic, "error": error},
        status=400 if error else 200,
    )


@require_GET
def answer(request, pk: int):
    item = get_object_or_404(HelpAnswer.objects.published(), pk=pk)
    paragraphs = [p.strip() for p in item.answer.split("\n\n") if p.strip()]
    return render(request, "queries/help_answer.html", {"item": item, "paragraphs": paragraphs})


@require_GET
@cache_control(max_age=60, public=True)
def suggest(request):
    """``{"answers": [{"question", "url"}]}``: at most five published answers for ``q``."""
    text = request.GET.get("q", "")
    if len(text) > QUERY_MAX:
        return JsonResponse(
            {"errors": {"q": [f"Keep the search to {QUERY_MAX} characters."]}}, status=400
        )
    found = search_answers(text, limit=SUGGESTIONS)
    return JsonResponse(
        {"answers": [{"question": a.question, "url": a.get_absolute_url()} for a in found]}
    )
