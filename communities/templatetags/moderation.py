"""Template helpers of moderation: {% load moderation %}, then {{ post|report_url }}."""

from django import template
from django.urls import reverse

from communities.moderation import KIND_OF

register = template.Library()


@register.filter
def report_url(post) -> str:
    """Where to report a question, answer, comment, data request or request comment."""
    return reverse("communities:report", args=[KIND_OF[type(post)], post.pk])
