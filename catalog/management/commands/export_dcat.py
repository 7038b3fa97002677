"""Write the whole published catalogue as one DCAT-AP document, in constant memory."""

import sys

from django.core.management.base import BaseCommand

from catalog import dcat


class Command(BaseCommand):
    help = (
        "Export every published dataset, its distributions and the data services as DCAT-AP "
        "3 RDF (N-Triples or Turtle), streamed chunk by chunk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["nt", "ttl"], default="nt")
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            help="Datasets loaded per round of queries (default: 500).",
        )

    def handle(self, *args, format, output, chunk_size, **options):
        if chunk_size < 1:
            self.stderr.write("--chunk-size must be 1 or more.")
            sys.exit(2)
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                count = self._write(stream, format, chunk_size)
            self.stderr.write(f"Wrote {count} triples to {output}.")
        else:
            self._write(self.stdout, format, chunk_size)

    def _write(self, stream, fmt, chunk_size) -> int:
        count = 0
        if fmt == "ttl":
            stream.write(dcat.turtle_prefixes())
        for chunk in dcat.export_chunks(chunk_size):
            # Each chunk ends its statements, so Turtle chunks append without re-emitting
            # prefixes; blank-node labels are unique across the file.
            lines = dcat.ntriples(chunk) if fmt == "nt" else dcat.turtle_body(chunk)
            stream.write("".join(lines))
            count += len(chunk)
        return count
