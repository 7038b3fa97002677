from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from catalog import quality
from catalog.models import Dataset, Publisher


class Command(BaseCommand):
    help = (
        "Compute the metadata quality score of every dataset now (the nightly "
        "catalog.tasks.score_all_datasets), or of one dataset or one publisher's datasets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dataset", metavar="SLUG", help="Score only this dataset.")
        parser.add_argument("--publisher", metavar="SLUG", help="Score this publisher's datasets.")

    def handle(self, *args, dataset=None, publisher=None, **options):
        datasets = Dataset.objects.all()
        if dataset:
            datasets = datasets.filter(slug=dataset)
            if not datasets.exists():
                raise CommandError(f"There is no dataset with slug {dataset!r}.")
        if publisher:
            if not Publisher.objects.filter(slug=publisher).exists():
                raise CommandError(f"There is no publisher with slug {publisher!r}.")
            datasets = datasets.filter(publisher__slug=publisher)
        # Run in this process: an operator waiting at the console wants the result now.
        count = quality.score_datasets(datasets.values_list("pk", flat=True))
        self.stdout.write(self.style.SUCCESS(f"Scored {count} datasets."))
        bands = (
            datasets.filter(quality__isnull=False)
            .values_list("quality__band")
            .annotate(n=Count("pk"))
            .order_by()
        )
        found = dict(bands)
        for _low, band in quality.BANDS:
            self.stdout.write(f"  {quality.Band(band).label}: {found.get(band, 0)}")
