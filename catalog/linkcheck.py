"""Link health: whether each distribution's link still works, and what it serves.

check_url() probes one URL through catalog.outbound and returns a Result; record() keeps
it on the distribution's LinkCheck with the rule that a link is broken only after repeated
failures spread over more than a day. check_many() runs many probes in a thread pool with
at most LINKCHECK_HOST_CONCURRENCY requests per host and a politeness delay; check_all()
(the check_links command) runs it over distributions. Celery workers check one
distribution per task and share the per-host limit through the cache (claim_host_slot).
"""

import heapq
import itertools
import logging
import math
import mimetypes
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog import outbound
from catalog.models import Distribution, LinkCheck, Publisher, Status

logger = logging.getLogger(__name__)

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
# Servers that do not say what they send; the file name then tells the type.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}
GENERIC_TYPES |= {"application/force-download", "application/x-download"}
# Names in use for one type; compared after mapping to the first.
TYPE_ALIASES = {
    "application/csv": "text/csv",
    "text/comma-separated-values": "text/csv",
    "text/json": "application/json",
    "text/xml": "application/xml",
    "application/x-zip-compressed": "application/zip",
    "application/x-zip": "application/zip",
    "application/x-pdf": "application/pdf",
}


@dataclass
class Result:
    outcome: str  # OK, FAILED (counts towards broken) or SKIPPED (could not be checked)
    reason: str
    http_status: int | None = None
    content_type: str = ""
    content_length: int | None = None
    final_url: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def target_url(distribution: Distribution) -> str:
    """The URL a link check looks at: the download URL, else the access URL."""
    if distribution.file:
        return settings.SITE_URL + distribution.get_download_url()
    return distribution.download_url or distribution.access_url


def check_url(url: str, *, client=None) -> Result:
    """Probe `url` (HEAD, then a short GET when HEAD is refused); never raises."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return Result(SKIPPED, _("Only http and https links are checked."))
    try:
        response = outbound.probe(
            url, client=client, timeout=settings.LINKCHECK_TIMEOUT, deadline=3 * _timeout()
        )
    except outbound.OutboundError as exc:
        return Result(FAILED, str(exc)[:500])
    except Exception:  # a bug must cost one link's result, not a whole night's run
        logger.exception("Link check of %s failed unexpectedly", url)
        return Result(FAILED, _("The check failed unexpectedly."))
    length = response.headers.get("content-length", "")
    return Result(
        OK if 200 <= response.status_code < 300 else FAILED,
        _status_reason(response.status_code),
        http_status=response.status_code,
        content_type=response.content_type[:200],
        content_length=int(length) if length.isdigit() else None,
        final_url=response.url if len(response.url) <= 1000 else "",
    )


def _timeout() -> float:
    return float(settings.LINKCHECK_TIMEOUT)


def _status_reason(code: int) -> str:
    try:
        words = {"code": code, "phrase": HTTPStatus(code).phrase}
    except ValueError:
        words = {"code": code, "phrase": ""}
    if 200 <= code < 300:
        return _("The link works (HTTP %(code)s %(phrase)s).") % words
    if code in (404, 410):
        return _("The server says the file is not there (HTTP %(code)s %(phrase)s).") % words
    if code in (401, 403):
        return _("The server refuses access (HTTP %(code)s %(phrase)s).") % words
    if code >= 500:
        return _("The server has a problem (HTTP %(code)s %(phrase)s).") % words
    if 300 <= code < 400:
        return _("The server redirects nowhere (HTTP %(code)s %(phrase)s).") % words
    return _("The server refused the request (HTTP %(code)s %(phrase)s).") % words


def check_file(distribution: Distribution) -> Result:
    """An uploaded file, checked in storage rather than over HTTP.

    The portal serves these files itself: a request to its own URL would only test the
    web server (and from a worker it may not even be reachable), while what can really go
    wrong is the stored file going missing.
    """
    url = target_url(distribution)
    name = distribution.file.name
    try:
        size = distribution.file.storage.size(name)
    except (OSError, NotImplementedError):
        return Result(FAILED, _("The uploaded file is missing from storage."), final_url=url)
    media_type = mimetypes.guess_type(name)[0] or ""
    return Result(
        OK,
        _("The uploaded file is in place."),
        content_type=distribution.media_type.strip().lower() or media_type,
        content_length=size,
        final_url=url,
    )


def check_distribution(distribution: Distribution, *, client=None) -> Result:
    if distribution.file:
        return check_file(distribution)
    return check_url(target_url(distribution), client=client)


# Does what the link serves match what the distribution declares? -------------------------


def _normal(media_type: str) -> str:
    media_type = (media_type or "").split(";")[0].strip().lower()
    return TYPE_ALIASES.get(media_type, media_type)


def matches(distribution: Distribution, result: Result) -> tuple[bool | None, bool | None]:
    """(format matches, media type matches); None where it cannot be told.

    Only download links and uploaded files are judged: an access URL leads to a web page
    or an API, whose type says nothing about the data.
    """
    if not result.ok or not (distribution.file or distribution.download_url):
        return None, None
    seen = _normal(result.content_type)
    path = urlsplit(result.final_url or target_url(distribution)).path
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if seen in GENERIC_TYPES:
        seen = _normal(mimetypes.guess_type(path)[0] or "")
    media_type = None
    if distribution.media_type and seen:
        media_type = seen == _normal(distribution.media_type)
    fmt = distribution.format if distribution.format_id else None
    format_ok = None
    if fmt is not None:
        extensions = {e.strip().lower() for e in fmt.extensions.split(",") if e.strip()}
        if fmt.media_type and seen:
            format_ok = seen == _normal(fmt.media_type) or (
                seen in ("application/zip", "application/gzip") and extension in extensions
            )
        elif extension and extensions:
            format_ok = extension in extensions
    return format_ok, media_type


# Recording --------------------------------------------------------------------------------


def is_broken(check: LinkCheck, now) -> bool:
    """Failures in a row, the first more than LINKCHECK_BROKEN_AFTER_HOURS ago."""
    return (
        check.consecutive_failures >= settings.LINKCHECK_BROKEN_AFTER_FAILURES
        and check.first_failure_at is not None
        and now - check.first_failure_at > timedelta(hours=settings.LINKCHECK_BROKEN_AFTER_HOURS)
    )


def record(distribution: Distribution, result: Result, *, now=None) -> LinkCheck:
    """Keep `result` on the distribution's LinkCheck (one save, so post_save listeners run).

    A failure keeps the previous status (a working link stays working through a short
    outage) until is_broken(); one success makes it working again. A new URL starts a new
    history.
    """
    now = now or timezone.now()
    url = target_url(distribution)
    check = LinkCheck.objects.filter(distribution=distribution).first()
    if check is None or check.url != url:
        check = LinkCheck(distribution=distribution, pk=distribution.pk, url=url)
    check.checked_at = now
    check.reason = result.reason[:500]
    check.http_status = result.http_status
    check.content_type = result.content_type
    check.content_length = result.content_length
    check.final_url = result.final_url
    check.format_matches, check.media_type_matches = matches(distribution, result)
    if result.outcome == OK:
        check.status = LinkCheck.Status.OK
        check.last_success_at = now
        check.first_failure_at = None
        check.consecutive_failures = 0
    elif result.outcome == FAILED:
        check.consecutive_failures += 1
        check.first_failure_at = check.first_failure_at or now
        if is_broken(check, now):
            check.status = LinkCheck.Status.BROKEN
    else:
        check.status = LinkCheck.Status.UNKNOWN
    check.save()
    return check


def link_of(distribution: Distribution) -> LinkCheck | None:
    """The distribution's LinkCheck, or None when it was never checked."""
    try:
        return distribution.link_check
    except LinkCheck.DoesNotExist:
        return None


# Many links at once -----------------------------------------------------------------------


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def check_many(
    items: Iterable[tuple[object, str]],
    *,
    workers: int | None = None,
    per_host: int | None = None,
    delay: float | None = None,
) -> Iterator[tuple[object, Result]]:
    """Check (key, url) pairs in a thread pool; yields (key, Result) as checks finish.

    At most `per_host` requests to one host run at a time, and each of a host's slots
    waits `delay` seconds after a request before the next. The caller's thread does any
    database work, so the pool threads need no connections.
    """
    workers = workers or settings.LINKCHECK_WORKERS
    per_host = per_host or settings.LINKCHECK_HOST_CONCURRENCY
    delay = settings.LINKCHECK_HOST_DELAY_MS / 1000 if delay is None else delay
    queues: dict[str, deque] = defaultdict(deque)
    for key, url in items:
        queues[host_of(url)].append((key, url))
    order = itertools.count()
    # One entry per free slot of a host: (when it may be used, tie-breaker, host).
    ready = [(0.0, next(order), host) for host in queues for _slot in range(per_host)]
    heapq.heapify(ready)
    local, clients, lock = threading.local(), [], threading.Lock()

    def run(url):
        if not hasattr(local, "client"):
            local.client = outbound.probe_client(_timeout())
            with lock:
                clients.append(local.client)
        return check_url(url, client=local.client)

    running = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        try:
            while ready or running:
                now = time.monotonic()
                while ready and ready[0][0] <= now and len(running) < workers:
                    _at, _n, host = heapq.heappop(ready)
                    if queues[host]:
                        key, url = queues[host].popleft()
                        running[pool.submit(run, url)] = (key, host)
                if not running:
                    if ready:
                        time.sleep(max(ready[0][0] - now, 0))
                    continue
                timeout = max(ready[0][0] - now, 0) if ready and len(running) < workers else None
                done, _pending = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    key, host = running.pop(future)
                    heapq.heappush(ready, (time.monotonic() + delay, next(order), host))
                    yield key, future.result()
        finally:
            for future in running:
                future.cancel()
            wait(running)
            for client in clients:
                client.close()


def distributions_to_check(*, publisher=None, dataset=None, failing_only=False):
    """Distributions whose links are checked: all but those of withdrawn datasets."""
    distributions = Distribution.objects.exclude(dataset__status=Status.WITHDRAWN)
    if publisher is not None:
        distributions = distributions.filter(dataset__publisher=publisher)
    if dataset is not None:
        distributions = distributions.filter(dataset=dataset)
    if failing_only:
        distributions = distributions.filter(link_check__consecutive_failures__gt=0)
    return distributions.order_by("pk")


def check_all(distributions) -> Counter:
    """Check and record `distributions` now, in this process; counts per status."""
    counts: Counter = Counter()
    remote = []
    for distribution in distributions.select_related("format"):
        if distribution.file:
            counts[record(distribution, check_file(distribution)).status] += 1
        else:
            remote.append((distribution, target_url(distribution)))
    for distribution, result in check_many(remote):
        counts[record(distribution, result).status] += 1
    return counts


# Celery: one distribution per task, the per-host limit shared through the cache -----------


def _slot_keys(host: str) -> list[str]:
    return [f"linkcheck:host:{host}:{n}" for n in range(settings.LINKCHECK_HOST_CONCURRENCY)]


def claim_host_slot(host: str) -> str | None:
    """One of the host's request slots (a cache key), or None when all are taken.

    cache.add is atomic in Redis and locmem. A slot expires by itself, so a worker that
    dies holding one does not block the host for good.
    """
    lease = 3 * settings.LINKCHECK_TIMEOUT + 30
    for key in _slot_keys(host):
        if cache.add(key, 1, timeout=lease):
            return key
    return None


def release_host_slot(key: str) -> None:
    """Free the slot after the politeness delay (whole seconds: Redis expiries are)."""
    delay = settings.LINKCHECK_HOST_DELAY_MS / 1000
    if delay > 0:
        cache.set(key, 1, timeout=max(1, math.ceil(delay)))
    else:
        cache.delete(key)


def check_and_record(distribution_id: int, *, use_host_slots: bool = True) -> bool:
    """Check one distribution and record the result; False when its host is busy now."""
    distribution = Distribution.objects.select_related("format").filter(pk=distribution_id)
    distribution = distribution.first()
    if distribution is None:
        return True  # deleted since it was queued: nothing to do
    if distribution.file or not use_host_slots:
        record(distribution, check_distribution(distribution))
        return True
    slot = claim_host_slot(host_of(target_url(distribution)))
    if slot is None:
        return False
    try:
        result = check_distribution(distribution)
    finally:
        release_host_slot(slot)
    record(distribution, result)
    return True


def fan_out_plan(distributions) -> list[tuple[int, int]]:
    """(distribution id, countdown in seconds) for one task per distribution.

    A host's links are spread over time at the rate its slots allow, so that few tasks
    find their host busy. Countdowns stay under 45 minutes: the Redis broker redelivers
    tasks whose countdown exceeds its visibility timeout (one hour by default).
    """
    per_host = settings.LINKCHECK_HOST_CONCURRENCY
    spacing = max(1, math.ceil(settings.LINKCHECK_HOST_DELAY_MS / 1000))
    seen: Counter = Counter()
    plan = []
    for distribution in distributions.only("pk", "file", "access_url", "download_url"):
        host = "" if distribution.file else host_of(target_url(distribution))
        countdown = 0 if not host else min((seen[host] // per_host) * spacing, 45 * 60)
        seen[host] += 1
        plan.append((distribution.pk, countdown))
    return plan


# The daily digest -------------------------------------------------------------------------


def broken_links(publisher: Publisher):
    """The publisher's broken links, on datasets that are not withdrawn."""
    return (
        LinkCheck.objects.filter(status=LinkCheck.Status.BROKEN)
        .filter(distribution__dataset__publisher=publisher)
        .exclude(distribution__dataset__status=Status.WITHDRAWN)
        .select_related("distribution__dataset", "distribution__format")
        .order_by("distribution__dataset__slug", "distribution__position", "pk")
    )


def send_digests(*, today=None) -> int:
    """E-mail each publisher's members the list of its broken links; returns e-mails sent.

    Sent each day while links stay broken. A publisher gets one digest per day, even when
    the task runs twice (a retry, a worker restart): the day is marked in the cache.
    """
    today = today or timezone.localdate()
    publishers = Publisher.objects.filter(
        datasets__distributions__link_check__status=LinkCheck.Status.BROKEN
    ).distinct()
    sent = 0
    with get_connection() as connection:
        for publisher in publishers:
            links = list(broken_links(publisher))
            recipients = _member_emails(publisher)
            if not links or not recipients:
                continue
            key = f"linkcheck:digest:{publisher.pk}:{today}"
            if not cache.add(key, 1, timeout=36 * 3600):
                continue
            try:
                sent += len(_digest_messages(publisher, links, recipients, connection))
            except Exception:
                cache.delete(key)  # not sent: a retry may send it
                raise
    return sent


def _member_emails(publisher: Publisher) -> list[str]:
    members = publisher.members.filter(is_active=True).exclude(email="")
    return sorted(set(members.values_list("email", flat=True)))


def _digest_messages(publisher, links, recipients, connection) -> list[EmailMessage]:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "publisher": publisher,
            "links": links,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        body = render_to_string("catalog/email/link_digest.txt", context)
        subject = _("%(site)s: %(count)s broken links of %(publisher)s") % {
            "site": settings.SITE_NAME,
            "count": len(links),
            "publisher": publisher,
        }
    messages = [
        EmailMessage(subject, body, to=[address], connection=connection) for address in recipients
    ]
    connection.send_messages(messages)
    return messages
