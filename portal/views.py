"""Project-wide pages: the home page, the account overview and the error pages."""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import Concept, Dataset, Keyword, Publisher, Status

logger = logging.getLogger(__name__)


def home(request):
    published_count = Count("datasets", filter=Q(datasets__status=Status.PUBLISHED))
    themes = (
        Concept.objects.in_scheme(Concept.Scheme.THEME)
        .annotate(dataset_count=published_count)
        .filter(dataset_count__gt=0)
    )
    publishers = (
        Publisher.objects.select_related("publisher_type")
        .annotate(dataset_count=published_count)
        .filter(dataset_count__gt=0)
        .order_by("-dataset_count", "slug")
    )
    published = Dataset.objects.published()
    popular_keywords = (
        Keyword.objects.filter(language=(get_language() or "en").split("-")[0])
        .annotate(dataset_count=published_count)
        .filter(dataset_count__gt=1)
        .order_by("-dataset_count", "value")
    )
    ctx = {
        "popular_keywords": popular_keywords[:6],
        "themes": themes,
        "newest": published.for_list().order_by("-published_at", "-pk")[:6],
        "publishers": publishers[:8],
        "dataset_count": published.count(),
        "publisher_count": publishers.count(),
    }
    return render(request, "portal/home.html", ctx)


@login_required
def account(request):
    """The signed-in user's hub: their e-mail addresses, publishers and the account pages."""
    ctx = {
        "email_addresses": EmailAddress.objects.filter(user=request.user).order_by(
            "-primary", "email"
        ),
        "memberships": request.user.publisher_memberships.select_related("publisher").order_by(
            "publisher__slug"
        ),
    }
    return render(request, "portal/account.html", ctx)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A refused form post (usually the language switcher with cookies blocked)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def page_not_found(request, exception):
    # API clients get JSON whatever the path holds (a newline in a generated slug slips
    # past the /api/v1/ catch-all route, whose "." stops at line ends).
    if request.path.startswith("/api/v1/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # No RequestContext: the context processors may be what failed (e.g. a database outage).
    try:
        html = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:
        logger.exception("The 500 page itself failed to render")
        html = f"<!doctype html><title>{_('Server error')}</title><h1>{_('Server error')}</h1>"
    return HttpResponseServerError(html)
