from django.core.management.base import BaseCommand

from catalog.models import Concept, Licence
from catalog.vocabularies import load_vocabularies


class Command(BaseCommand):
    help = (
        "Create or update the shipped controlled vocabularies (EU themes, file types, "
        "languages, ...) and licences. Safe to run again, e.g. after an upgrade."
    )

    def handle(self, *args, **options):
        n_concepts, n_licences = load_vocabularies(Concept, Licence)
        self.stdout.write(f"Loaded {n_concepts} concepts and {n_licences} licences.")
