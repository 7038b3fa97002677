"""The one signal use of the catalogue: cache invalidation for search and facet counts.

Every change that alters a dataset's search document enqueues catalog.tasks.reindex_dataset
after the transaction commits, so the worker reads committed rows, and forgets cached facet
counts. Bulk writes that bypass signals (bulk_create, QuerySet.update) should call
catalog.search.index_datasets(); the weekly rebuild catches anything missed.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog.filters import invalidate_facet_counts
from catalog.models import Concept, Dataset, Distribution, Keyword, Licence, Publisher
from catalog.tasks import reindex_dataset, reindex_publisher


def _reindex(dataset_id) -> None:
    invalidate_facet_counts()
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
