from django.utils.functional import SimpleLazyObject

from communities.models import Notification


def notifications(request):
    """The unread count for the header: no query for visitors, one indexed count (only when
    a template shows it) for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
