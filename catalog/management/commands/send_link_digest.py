from django.core.management.base import BaseCommand

from catalog.tasks import send_link_digest


class Command(BaseCommand):
    help = (
        "E-mail each publisher's members the list of its broken links (the same work as the "
        "daily catalog.tasks.send_link_digest); a publisher gets one digest a day."
    )

    def handle(self, *args, **options):
        sent = send_link_digest.apply().get()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} e-mails."))
