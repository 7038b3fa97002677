import time

from django.core.management.base import BaseCommand, CommandError

from catalog.demo import VocabularyMissing, generate_synthetic


class Command(BaseCommand):
    help = (
        "Bulk-insert N realistic synthetic published datasets (slugs synth-<n>) with their "
        "distributions, for benchmarks, and add them to the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--datasets", type=int, required=True, help="How many to create.")
        parser.add_argument("--distributions-per-dataset", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same content.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(
        self, *args, datasets, distributions_per_dataset, seed, batch_size, verbosity, **opts
    ):
        if datasets < 0 or distributions_per_dataset < 0 or batch_size < 1:
            raise CommandError(
                "--datasets and --distributions-per-dataset must be 0 or more, "
                "--batch-size at least 1."
            )
        started = time.perf_counter()

        def progress(done, total):
            if verbosity >= 1:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"{done:,}/{total:,} datasets ({elapsed:.1f} s)")

        try:
            created = generate_synthetic(
                datasets,
                distributions_per_dataset=distributions_per_dataset,
                seed=seed,
                batch_size=batch_size,
                progress=progress,
            )
        except VocabularyMissing as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Created {created:,} synthetic datasets in {elapsed:.1f} s.")
        )
