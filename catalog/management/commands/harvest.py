from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from catalog.harvest import harvest
from catalog.models import HarvestSource, Publisher


class Command(BaseCommand):
    help = (
        "Harvest a source now. SOURCE is a harvest source's slug, an http(s) URL or a local "
        "file; a URL or file without a source gets one (disabled, so it is not scheduled)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A harvest source slug, an http(s) URL or a file path.")
        parser.add_argument(
            "--type",
            choices=HarvestSource.Type.values,
            default=HarvestSource.Type.DCAT,
            help="Type of a new source (default: dcat).",
        )
        parser.add_argument("--publisher", help="Slug of the publisher that owns the datasets.")
        parser.add_argument("--language", default="nl", help="Tag for untagged text (nl).")

    def handle(self, *args, source, **options):
        path = None
        found = HarvestSource.objects.filter(slug=source).first()
        if found is None and source.startswith(("http://", "https://")):
            found = self._source_for(source, source, options)
        elif found is None:
            path = Path(source).expanduser()
            if not path.is_file():
                raise CommandError(f"{source} is neither a harvest source, a URL nor a file.")
            found = self._source_for(path.resolve().as_uri(), path.name, options)
        run = harvest(found, path=path)
        self.stdout.write(
            f"{found}: {run.get_status_display()}. {run.created} created, {run.updated} "
            f"updated, {run.unchanged} unchanged, {run.withdrawn} withdrawn, {run.failed} "
            f"failed, {run.pages} pages."
        )
        if run.message:
            self.stdout.write(run.message)
        for failure in run.failures.all()[:50]:
            self.stdout.write(f"  {failure.record}: {failure.reason}")
        if run.status == run.Status.FAILED:
            raise CommandError("The harvest failed; nothing was changed.")

    def _source_for(self, url: str, name: str, options) -> HarvestSource:
        existing = HarvestSource.objects.filter(url=url).first()
        if existing:
            return existing
        publisher = None
        if options["publisher"]:
            publisher = Publisher.objects.filter(slug=options["publisher"]).first()
            if publisher is None:
                raise CommandError(f"There is no publisher {options['publisher']!r}.")
        parts = urlsplit(url)
        base = slugify(f"{parts.netloc} {parts.path}")[:90].strip("-") or "source"
        slug, number = base, 1
        while HarvestSource.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return HarvestSource.objects.create(
            name=name[:200],
            slug=slug,
            url=url,
            type=options["type"],
            publisher=publisher,
            language=options["language"],
            enabled=False,
        )
