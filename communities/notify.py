"""Notifications: in the portal for everyone concerned, by e-mail as each person chose
(immediately, in a daily digest, or not at all), and following communities, datasets and
threads.

Other modules call notify() when something happens; it never sends to the person who
caused the event, and e-mail goes out after the transaction commits. Every e-mail carries a
signed one-click unsubscribe link (also as RFC 8058 List-Unsubscribe headers).
"""

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.models import Dataset
from communities.models import Community, DataRequest, Follow, Notification, Profile, Question

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "communities.unsubscribe"
# A digest covers at most this period: someone who switches from "off" to the digest is not
# sent months of old news.
DIGEST_MAX_AGE = timedelta(days=7)


def notify(recipients, kind: str, message: str, url: str = "", *, actor=None) -> int:
    """Notify each of `recipients` (users) once; returns how many were notified."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        users.pop(actor.pk, None)
    if not users:
        return 0
    created = Notification.objects.bulk_create(
        [
            Notification(user=user, kind=kind, message=message[:500], url=url)
            for user in users.values()
        ]
    )
    profiles = {p.user_id: p for p in Profile.objects.filter(user__in=users)}
    immediate = [
        (notification, _language(profiles.get(notification.user_id)))
        for notification in created
        if notification.user.email
        and _frequency(profiles.get(notification.user_id)) == Profile.Frequency.IMMEDIATE
    ]
    if immediate:
        transaction.on_commit(lambda: _send_immediately(immediate))
    return len(users)


def _frequency(profile) -> str:
    # No profile yet: the model's default, immediate.
    return profile.email_frequency if profile else Profile.Frequency.IMMEDIATE


def _language(profile) -> str:
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


# Followers ---------------------------------------------------------------------------------

FOLLOWABLE = {
    "community": Community,
    "dataset": Dataset,
    "question": Question,
    "data_request": DataRequest,
}


def followers(**target):
    """The active users following one thing: followers(community=c), followers(dataset=d),
    followers(question=q) or followers(data_request=r) — for notify()'s recipients."""
    return (
        get_user_model()
        .objects.filter(is_active=True, follows__in=Follow.objects.filter(**target))
        .distinct()
    )


def is_following(user, **target) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, **target).exists()


def follow(user, **target) -> Follow:
    """Start following (idempotent); e.g. follow(user, question=q) when someone asks."""
    existing = Follow.objects.filter(user=user, **target).first()
    return existing or Follow.objects.create(user=user, **target)


def unfollow(user, **target) -> None:
    Follow.objects.filter(user=user, **target).delete()


def _followable(which: str, pk: str):
    """The thing to (un)follow, if it exists and the public may see it."""
    if which == "community":
        return Community.objects.filter(pk=pk).first()
    if which == "dataset":
        return Dataset.objects.published().filter(pk=pk).first()
    if which == "question":
        return Question.objects.visible().filter(pk=pk).first()
    if which == "data_request":
        return DataRequest.objects.visible().filter(pk=pk).first()
    return None


@login_required
@require_POST
def follow_toggle(request):
    """Follow or unfollow (action=unfollow) a community, dataset, question or data request."""
    which, pk = request.POST.get("which", ""), request.POST.get("id", "")
    target = _followable(which, pk) if pk.isdigit() else None
    if target is None:
        raise Http404
    if request.POST.get("action") == "unfollow":
        unfollow(request.user, **{which: target})
        messages.success(request, _("You no longer follow this."))
    else:
        follow(request.user, **{which: target})
        messages.success(request, _("You follow this now: you will be notified of news."))
    return HttpResponseRedirect(_next_url(request, target.get_absolute_url()))


def _next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


# E-mail -----------------------------------------------------------------------------------


def unsubscribe_token(user) -> str:
    # Signed, not stored: the link stays valid for as long as the SECRET_KEY does.
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user) -> str:
    return settings.SITE_URL + reverse("communities:unsubscribe", args=[unsubscribe_token(user)])


def _absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _message(user, subject: str, template: str, context: dict, connection=None) -> EmailMessage:
    link = unsubscribe_url(user)
    context = {
        **context,
        "user": user,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("communities:notification-settings"),
        "unsubscribe_url": link,
    }
    return EmailMessage(
        f"[{settings.SITE_NAME}] {subject}",
        render_to_string(template, context),
        to=[user.email],
        connection=connection,
        # RFC 8058: mail clients show an "unsubscribe" button that POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _send_immediately(notifications) -> None:
    sent = []
    with get_connection() as connection:
        for notification, language in notifications:
            user = notification.user
            try:
                with translation.override(language):
                    email = _message(
                        user,
                        notification.message[:150],
                        "communities/email/notification.txt",
                        {"notification": notification, "link": _absolute(notification.url)},
                        connection,
                    )
                email.send()
            except Exception:  # a mail server down must not break what caused the notification
                logger.exception("Could not e-mail notification to user %s", user.pk)
            else:
                sent.append(notification.pk)
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())


def send_digests(*, now=None) -> int:
    """E-mail each daily-digest user their recent unread notifications not yet e-mailed;
    returns the number of e-mails sent.

    Idempotent: the notifications of a digest are marked e-mailed in the same step, so a
    second run (a retry, the command after the task) sends nothing new.
    """
    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=now - DIGEST_MAX_AGE,
        user__is_active=True,
        user__profile__email_frequency=Profile.Frequency.DAILY,
    ).exclude(user__email="")
    user_ids = pending.values_list("user_id", flat=True).distinct()
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("profile")
    sent = 0
    with get_connection() as connection:
        for user in users.iterator(chunk_size=200):
            with transaction.atomic():
                # Locked, so that two runs at once do not both send one user's digest.
                items = list(pending.filter(user=user).select_for_update().order_by("created_at"))
                if not items:
                    continue
                with translation.override(_language(user.profile)):
                    count = len(items)
                    subject = _("Your notifications: %(count)s new") % {"count": count}
                    context = {
                        "notifications": [(n, _absolute(n.url)) for n in items],
                        "list_url": settings.SITE_URL + reverse("communities:notifications"),
                    }
                    email = _message(
                        user, subject, "communities/email/digest.txt", context, connection
                    )
                email.send()
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
                sent += 1
    return sent


# Pages ------------------------------------------------------------------------------------


@login_required
def notification_list(request):
    """The user's notifications, newest first; the ones on the page shown are marked read."""
    notifications = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("All notifications are marked as read."))
        return HttpResponseRedirect(reverse("communities:notifications"))
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    # Marked after the page is fetched: it still shows which ones are new this time.
    unread = [n.pk for n in page.object_list if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    from communities.moderation import moderates_any  # moderation imports this module

    ctx = {"page_obj": page, "unread_ids": set(unread), "moderates": moderates_any(request.user)}
    return render(request, "communities/notifications.html", ctx)


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["email_frequency"]
        widgets = {"email_frequency": forms.RadioSelect}


@login_required
def notification_settings(request):
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = NotificationSettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return HttpResponseRedirect(reverse("communities:notification-settings"))
    follows = (
        Follow.objects.filter(user=request.user)
        # What stopped being public (a withdrawn dataset, a hidden thread) drops off the list.
        .filter(Q(dataset=None) | Q(dataset__in=Dataset.objects.published()))
        .filter(Q(question=None) | Q(question__in=Question.objects.visible()))
        .filter(Q(data_request=None) | Q(data_request__in=DataRequest.objects.visible()))
        .select_related("community", "dataset", "question", "data_request")
        .order_by("-created_at")
    )
    for item in follows:
        item.which = next(name for name in FOLLOWABLE if getattr(item, f"{name}_id"))
        item.target = getattr(item, item.which)
    ctx = {"form": form, "follows": follows}
    return render(request, "communities/notification_settings.html", ctx, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and not form.is_valid() else 200


# The token is the secret, and mail clients' one-click POST (RFC 8058) carries no CSRF
# token; the worst a forged request can do is switch off one person's e-mail.
@csrf_exempt
def unsubscribe(request, token):
    """GET: a page asking to confirm; POST (the button, or a mail client): e-mail off."""
    try:
        user_pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "communities/unsubscribe.html", {"invalid": True}, status=400)
    user = get_object_or_404(get_user_model(), pk=user_pk)
    if request.method == "POST":
        Profile.objects.update_or_create(
            user=user, defaults={"email_frequency": Profile.Frequency.OFF}
        )
        return render(request, "communities/unsubscribe.html", {"done": True})
    return render(request, "communities/unsubscribe.html", {"token": token})
