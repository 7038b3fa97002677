"""Settings read from the environment: safe defaults, and loud failures on bad values.

Each case starts a fresh interpreter with a controlled environment, because settings are
read once per process.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
import django
django.setup()
from django.conf import settings
from portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "debug": settings.DEBUG,
    "always_eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "site_url": settings.SITE_URL,
    "upload_max": settings.UPLOAD_MAX_BYTES,
}))
"""


def _start(**env):
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_empty_environment_gives_sqlite_and_in_process_tasks():
    result = _start()

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(ROOT / "db.sqlite3")
    assert values["always_eager"] is True
    assert values["broker"] == "memory://"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is False
    assert values["site_url"] == "http://127.0.0.1:8000"


def test_empty_values_count_as_unset():
    result = _start(DATABASE_URL="", REDIS_URL="", DEBUG="", SITE_URL="", UPLOAD_MAX_BYTES="")

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["always_eager"] is True


def test_services_come_from_their_urls():
    result = _start(
        DATABASE_URL="postgres://datakring:secret@db.internal:5432/datakring",
        REDIS_URL="redis://cache.internal:6379/2",
        SITE_URL="https://data.example.nl/",
        UPLOAD_MAX_BYTES="1000",
        DEBUG="True",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "datakring"
    assert values["always_eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["site_url"] == "https://data.example.nl"
    assert values["upload_max"] == 1000
    assert values["debug"] is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("UPLOAD_MAX_BYTES", "abc"),
        ("UPLOAD_MAX_BYTES", "-5"),
        ("SITE_URL", "ftp://x"),
        ("SITE_URL", "data.example.nl"),
        ("DATABASE_URL", "nonsense://"),
        ("REDIS_URL", "http://x"),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_USE_TLS", "sometimes"),
        ("TRUST_X_FORWARDED_PROTO", "yes please"),
        ("LOG_LEVEL", "loud"),
    ],
)
def test_malformed_value_fails_at_start_naming_the_variable(name, value):
    result = _start(**{name: value})

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert name in last_line


def _variables_read_by_settings():
    source = (ROOT / "portal" / "settings.py").read_text()
    calls = r"(?:os\.environ\.get|os\.getenv|env_bool|env_int|env_list|env_url)\(\s*"
    return set(re.findall(calls + r'"([A-Z][A-Z0-9_]*)"', source))


def test_env_example_documents_every_variable_settings_read():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )

    missing = _variables_read_by_settings() - documented
    assert not missing, f".env.example does not document {sorted(missing)}"


def test_readme_documents_every_variable_settings_read():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, re.M))

    missing = _variables_read_by_settings() - documented
    assert not missing, f"README's configuration table lacks {sorted(missing)}"
