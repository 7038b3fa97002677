"""Template tags of the communities app; the dataset page loads them, catalog never imports us.

`{% dataset_questions dataset %}` renders a dataset's questions and an "Ask a question" link
in one query, so the dataset page's query count stays flat.
"""

from django import template

from communities.models import Follow, Profile, Question
from communities.questions import DATASET_PAGE_QUESTIONS, for_lists

register = template.Library()


@register.inclusion_tag("communities/_dataset_questions.html", takes_context=True)
def dataset_questions(context, dataset):
    published = dataset.status == dataset.Status.PUBLISHED
    questions = []
    if published:
        questions = list(
            for_lists(Question.objects.visible().filter(dataset=dataset))[
                : DATASET_PAGE_QUESTIONS + 1
            ]
        )
    user = context.get("user")
    # One query, for signed-in visitors only: whether they follow the dataset already.
    following = bool(
        published
        and user is not None
        and user.is_authenticated
        and Follow.objects.filter(user=user, dataset=dataset).exists()
    )
    return {
        "dataset": dataset,
        "published": published,
        "following": following,
        "questions": questions[:DATASET_PAGE_QUESTIONS],
        "more": len(questions) > DATASET_PAGE_QUESTIONS,
        "request": context.get("request"),
        "user": context.get("user"),
    }


@register.filter
def person(user) -> str:
    """The name a person shows: their profile's display name, else their username."""
    if user is None:
        return ""
    try:
        return user.profile.display_name or user.get_username()
    except Profile.DoesNotExist:
        return user.get_username()
