from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from catalog.demo import DEMO_PASSWORD, VocabularyMissing, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo catalogue (publishers, datasets with files, data services) and the demo "
        "accounts. Safe to run again: records are matched on their slugs and updated in place."
    )

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except VocabularyMissing as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        # Other apps' demo data, built on the catalogue's (catalog imports none of them):
        # dotted paths of functions that return a LoadReport.
        accounts = list(report.accounts)
        for path in getattr(settings, "DEMO_LOADERS", []):
            extra = import_string(path)()
            for line in extra.lines():
                self.stdout.write(line)
            accounts += extra.accounts
        self.stdout.write(self.style.SUCCESS("Demo catalogue loaded. Demo accounts:"))
        for role, username, has_demo_password in accounts:
            password = (
                DEMO_PASSWORD if has_demo_password else "(changed since it was created; kept)"
            )
            self.stdout.write(f"  {role}: username {username}, password {password}")
