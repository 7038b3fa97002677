from django.core.management.base import BaseCommand, CommandError

from catalog import linkcheck
from catalog.models import Dataset, LinkCheck, Publisher


class Command(BaseCommand):
    help = (
        "Check distribution links now, in this process (the same work as the nightly "
        "catalog.tasks.check_all_links), and print how many work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publisher", metavar="SLUG", help="Only this publisher's links.")
        parser.add_argument("--dataset", metavar="SLUG", help="Only this dataset's links.")
        parser.add_argument(
            "--failing",
            action="store_true",
            help="Only links whose last check failed (as the daytime re-check does).",
        )

    def handle(self, *args, publisher=None, dataset=None, failing=False, **options):
        if publisher is not None:
            slug = publisher
            publisher = Publisher.objects.filter(slug=slug).first()
            if publisher is None:
                raise CommandError(f"No publisher with slug {slug!r}.")
        if dataset is not None:
            slug = dataset
            dataset = Dataset.objects.filter(slug=slug).first()
            if dataset is None:
                raise CommandError(f"No dataset with slug {slug!r}.")
        distributions = linkcheck.distributions_to_check(
            publisher=publisher, dataset=dataset, failing_only=failing
        )
        counts = linkcheck.check_all(distributions)
        total = sum(counts.values())
        self.stdout.write(
            f"Checked {total} links: {counts[LinkCheck.Status.OK]} working, "
            f"{counts[LinkCheck.Status.BROKEN]} broken, "
            f"{counts[LinkCheck.Status.UNKNOWN]} not confirmed yet."
        )
