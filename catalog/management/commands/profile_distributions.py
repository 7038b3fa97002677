from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from catalog import profiling
from catalog.models import Dataset, Publisher


class Command(BaseCommand):
    help = (
        "Infer the columns of tabular distributions (uploaded or downloaded), as the weekly "
        "catalog.tasks.profile_all does. Unchanged files are skipped unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dataset", default="", help="Only this dataset (slug).")
        parser.add_argument("--publisher", default="", help="Only this publisher (slug).")
        parser.add_argument(
            "--force", action="store_true", help="Profile files whose checksum is unchanged."
        )

    def handle(self, *args, dataset, publisher, force, verbosity=1, **options):
        if dataset and not Dataset.objects.filter(slug=dataset).exists():
            raise CommandError(f"No dataset {dataset!r}.")
        if publisher and not Publisher.objects.filter(slug=publisher).exists():
            raise CommandError(f"No publisher {publisher!r}.")
        # In this process, one by one: an operator at the console wants the outcome now.
        outcomes = Counter()
        ids = profiling.distributions_to_profile(dataset=dataset, publisher=publisher)
        for distribution_id in ids.values_list("pk", flat=True):
            profile = profiling.profile_distribution(distribution_id, force=force)
            if profile is not None:
                outcomes[profile.get_status_display()] += 1
                if verbosity > 1:
                    self.stdout.write(f"{distribution_id}: {profile.status} {profile.message}")
        summary = ", ".join(f"{count} {status.lower()}" for status, count in outcomes.items())
        self.stdout.write(
            self.style.SUCCESS(f"Profiled {sum(outcomes.values())} distributions: {summary}.")
        )
