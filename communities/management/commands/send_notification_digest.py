from django.core.management.base import BaseCommand

from communities.tasks import send_notification_digest


class Command(BaseCommand):
    help = (
        "E-mail each person who chose the daily digest their notifications not yet e-mailed "
        "(the same work as the daily communities.tasks.send_notification_digest)."
    )

    def handle(self, *args, **options):
        sent = send_notification_digest.apply().get()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digests."))
