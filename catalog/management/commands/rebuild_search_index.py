from django.core.management.base import BaseCommand

from catalog.tasks import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of all datasets, in batches "
        "(the same work as the weekly catalog.tasks.rebuild_search_index)."
    )

    def handle(self, *args, **options):
        # Run in this process: an operator waiting at the console wants the result now.
        count = rebuild_search_index.apply().get()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} datasets."))
