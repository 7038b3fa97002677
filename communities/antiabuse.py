"""Anti-abuse for the community forms: rate limits per user and per address, a honeypot
field, and the length limits of what people post.

Counts live in the cache (Redis in production, so every web process shares them); a cache
that loses them only makes the limits more lenient for a while.
"""

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from catalog import ratelimit

# Length limits of user text, in characters (titles also have their column's max_length).
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 1000
TAGS_MAX = 5

WINDOW = 3600  # seconds: the limits below are per hour


def client_address(request) -> str:
    """The client's address as allauth sees it (it honours TRUSTED_PROXY_COUNT)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def rate_limited(request, action: str = "post") -> bool:
    """Count one `action` (posting, reporting, ...) by this user and from this address;
    True once either did more than its hourly limit.

    Per user, so one account cannot flood; per address, so a batch of fresh accounts on one
    machine cannot either. The address limit is higher: colleagues share an office address.
    """
    per_user = settings.COMMUNITY_POSTS_PER_HOUR
    per_address = settings.COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS
    over = False
    if request.user.is_authenticated:
        over = ratelimit.count(f"antiabuse:{action}:user:{request.user.pk}", WINDOW) > per_user
    address = client_address(request)
    return ratelimit.count(f"antiabuse:{action}:address:{address}", WINDOW) > per_address or over


class HoneypotMixin:
    """Adds a field people never see (hidden, labelled "leave empty") that bots fill in.

    Mix it into a Form or ModelForm before the Django base class. The field renders through
    its own template, so `{{ form }}` and `{{ form.website.as_field_group }}` both hide it.
    """

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            template_name="communities/_honeypot.html",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.honeypot_field):
            raise ValidationError(_("This form could not be sent."), code="honeypot")
        return cleaned
