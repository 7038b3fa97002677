from django.core.management.base import BaseCommand

from communities.tasks import remind_data_requests


class Command(BaseCommand):
    help = (
        "Remind community managers (site managers for requests without a community) of data "
        "requests whose status has not changed for DATA_REQUEST_REMINDER_DAYS days; the same "
        "work as the daily communities.tasks.remind_data_requests, once per period a request."
    )

    def handle(self, *args, **options):
        reminded = remind_data_requests.apply().get()
        self.stdout.write(self.style.SUCCESS(f"Reminded managers of {reminded} data requests."))
