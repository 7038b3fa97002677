"""The one signal use of the catalogue: cache invalidation for search and facet counts.

Every change that alters a dataset's search document enqueues catalog.tasks.reindex_dataset
after the transaction commits, so the worker reads committed rows, and forgets cached facet
counts. Bulk writes that bypass signals (bulk_create, QuerySet.update) should call
catalog.search.index_datasets(); the weekly rebuild catches anything missed.
Besides that, a distribution with a new or changed address gets a link check queued
(catalog.linkcheck) after the commit. And a dataset whose metadata, distributions, link
checks or structure profiles change is rescored after the commit (catalog.quality).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog.filters import invalidate_facet_counts
from catalog.models import Concept, Dataset, Distribution, Keyword, Licence, Publisher
from catalog.tasks import check_link, profile_distribution, reindex_dataset, reindex_publisher


def _reindex(dataset_id) -> None:
    # Now, and again once committed: a search between the two may have counted the
    # rows as they were before this transaction (catalog.facetindex, cached facets).
    invalidate_facet_counts()
    transaction.on_commit(invalidate_facet_counts)
    if dataset_id is not None:
        reindex_dataset.delay_on_commit(dataset_id)


@receiver(post_save, sender=Dataset, dispatch_uid="search_dataset_saved")
@receiver(post_delete, sender=Dataset, dispatch_uid="search_dataset_deleted")
def dataset_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance.pk)


@receiver(post_save, sender=Distribution, dispatch_uid="search_distribution_saved")
@receiver(post_delete, sender=Distribution, dispatch_uid="search_distribution_deleted")
def distribution_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance.dataset_id)


@receiver(m2m_changed, sender=Dataset.keywords.through, dispatch_uid="search_keywords")
@receiver(m2m_changed, sender=Dataset.themes.through, dispatch_uid="search_themes")
@receiver(m2m_changed, sender=Dataset.languages.through, dispatch_uid="search_languages")
def dataset_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _reindex(instance.pk)
        return
    # From the keyword or concept side: the affected datasets are in pk_set, or, for a
    # clear, are the ones linked just before it.
    if action == "pre_clear":
        related = sender.objects.filter(**{_other_column(sender, instance): instance.pk})
        instance._search_cleared_ids = list(related.values_list("dataset_id", flat=True))
    elif action == "post_clear":
        for dataset_id in getattr(instance, "_search_cleared_ids", []):
            _reindex(dataset_id)
    elif action in ("post_add", "post_remove"):
        for dataset_id in pk_set or ():
            _reindex(dataset_id)


def _other_column(through, instance) -> str:
    field = next(
        f for f in through._meta.fields if f.is_relation and isinstance(instance, f.related_model)
    )
    return field.attname


@receiver(pre_save, sender=Publisher, dispatch_uid="search_publisher_renaming")
def publisher_renaming(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = Publisher.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    instance._search_renamed = old is not None and dict(old) != dict(instance.name or {})


@receiver(post_save, sender=Publisher, dispatch_uid="search_publisher_saved")
def publisher_saved(sender, instance, raw=False, created=False, **kwargs):
    invalidate_facet_counts()
    if not raw and not created and getattr(instance, "_search_renamed", False):
        reindex_publisher.delay_on_commit(instance.pk)


# Facet labels come from these; they are not part of any search document.
@receiver(post_save, sender=Concept, dispatch_uid="facets_concept_saved")
@receiver(post_delete, sender=Concept, dispatch_uid="facets_concept_deleted")
@receiver(post_save, sender=Licence, dispatch_uid="facets_licence_saved")
@receiver(post_delete, sender=Licence, dispatch_uid="facets_licence_deleted")
@receiver(post_save, sender=Keyword, dispatch_uid="facets_keyword_saved")
@receiver(post_delete, sender=Keyword, dispatch_uid="facets_keyword_deleted")
@receiver(post_delete, sender=Publisher, dispatch_uid="facets_publisher_deleted")
def facet_label_changed(sender, **kwargs):
    invalidate_facet_counts()


# Link health: check a link when it is new or its address changed. -------------------------

LINK_FIELDS = ("access_url", "download_url", "file")


@receiver(pre_save, sender=Distribution, dispatch_uid="linkcheck_distribution_saving")
def distribution_link_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(LINK_FIELDS):
        instance._link_changed = False
        return
    old = Distribution.objects.filter(pk=instance.pk).values_list(*LINK_FIELDS).first()
    new = (instance.access_url, instance.download_url, instance.file.name or "")
    instance._link_changed = old is None or tuple(v or "" for v in old) != new


@receiver(post_save, sender=Distribution, dispatch_uid="linkcheck_distribution_saved")
def distribution_link_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not (created or getattr(instance, "_link_changed", False)):
        return
    # Run in-process (no worker), a task would hold up the request that saved: then only
    # the portal's own files are checked (no network), other links at `check_links`.
    if instance.file or not check_link.app.conf.task_always_eager:
        check_link.delay_on_commit(instance.pk)


# Metadata quality: rescore a dataset once its change is committed. -----------------------
# Saving a dataset in the admin fires a dozen signals (the row, each many-to-many field,
# each inline); they share one batch per transaction, so each dataset is scored once.


class _ScoreBatch:
    def __init__(self, hooks):
        self.hooks = hooks  # the connection's on-commit list this batch was made for
        self.dataset_ids: set[int] = set()
        self.distribution_ids: set[int] = set()
        self.flushed = False

    def flush(self):
        if self.flushed:
            return
        self.flushed = True
        from catalog.tasks import score_dataset

        ids = set(self.dataset_ids)
        if self.distribution_ids:
            of = Distribution.objects.filter(pk__in=self.distribution_ids)
            ids.update(of.values_list("dataset_id", flat=True))
        for dataset_id in sorted(ids):
            score_dataset.delay(dataset_id)


def _rescore(*, dataset_id=None, distribution_id=None) -> None:
    connection = transaction.get_connection()
    batch = getattr(connection, "_quality_batch", None)
    # Django replaces the on-commit list after a commit or rollback: a batch made for an
    # older list is done or discarded.
    if batch is None or batch.flushed or batch.hooks is not connection.run_on_commit:
        batch = connection._quality_batch = _ScoreBatch(connection.run_on_commit)
    if dataset_id is not None:
        batch.dataset_ids.add(dataset_id)
    if distribution_id is not None:
        batch.distribution_ids.add(distribution_id)
    # One hook per signal (the first to run flushes): a test capturing on-commit hooks
    # sees its own. Robust: a failed scoring must not fail a save already committed.
    transaction.on_commit(batch.flush, robust=True)


@receiver(post_save, sender=Dataset, dispatch_uid="quality_dataset_saved")
def quality_dataset_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _rescore(dataset_id=instance.pk)


@receiver(post_save, sender=Distribution, dispatch_uid="quality_distribution_saved")
@receiver(post_delete, sender=Distribution, dispatch_uid="quality_distribution_deleted")
@receiver(post_save, sender="catalog.ContactPoint", dispatch_uid="quality_contact_saved")
@receiver(post_delete, sender="catalog.ContactPoint", dispatch_uid="quality_contact_deleted")
def quality_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _rescore(dataset_id=instance.dataset_id)


@receiver(post_save, sender="catalog.LinkCheck", dispatch_uid="quality_link_checked")
@receiver(post_save, sender="catalog.DistributionProfile", dispatch_uid="quality_profiled")
@receiver(post_save, sender="catalog.Column", dispatch_uid="quality_column_saved")
def quality_distribution_facts_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _rescore(distribution_id=instance.distribution_id)


@receiver(m2m_changed, sender=Dataset.keywords.through, dispatch_uid="quality_keywords")
@receiver(m2m_changed, sender=Dataset.themes.through, dispatch_uid="quality_themes")
@receiver(m2m_changed, sender=Dataset.languages.through, dispatch_uid="quality_languages")
def quality_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _rescore(dataset_id=instance.pk)
    else:
        # From the keyword or concept side; a clear from that side is left to the nightly run.
        for dataset_id in pk_set or ():
            _rescore(dataset_id=dataset_id)


# Structure: profile a distribution when it is new or its file, URL or checksum changed. ----

PROFILE_FIELDS = ("download_url", "file", "checksum")


@receiver(pre_save, sender=Distribution, dispatch_uid="profile_distribution_saving")
def distribution_file_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(PROFILE_FIELDS):
        instance._file_changed = False
        return
    old = Distribution.objects.filter(pk=instance.pk).values_list(*PROFILE_FIELDS).first()
    new = (instance.download_url, instance.file.name or "", instance.checksum)
    instance._file_changed = old is None or tuple(v or "" for v in old) != new


@receiver(post_save, sender=Distribution, dispatch_uid="profile_distribution_saved")
def distribution_file_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not (created or getattr(instance, "_file_changed", False)):
        return
    if not (instance.file or instance.download_url):
        return
    # In-process (no worker) a download would hold up the request that saved: then only
    # uploaded files are profiled at once, remote ones by `profile_distributions`.
    if instance.file or not profile_distribution.app.conf.task_always_eager:
        profile_distribution.delay_on_commit(instance.pk)
