"""A fixed-window counter in the cache, for the limits on what strangers can post.

The cache is Redis in production, so every web process shares the counts; a cache that
loses them only makes the limits more lenient for a while.
"""

from django.core.cache import cache


def count(key: str, window: int) -> int:
    """Count one event under `key` in a window of `window` seconds; the count so far."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1
