"""`manage.py check --deploy` with the production values the README documents."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The README's "Deploying at scale" section lists these same values.
PRODUCTION = {
    "DEBUG": "False",
    "SITE_URL": "https://data.example.nl",
    "ALLOWED_HOSTS": "data.example.nl",
    "TRUST_X_FORWARDED_PROTO": "True",
}


def _check_deploy(**env):
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_values():
    result = _check_deploy(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_the_development_key():
    result = _check_deploy(**PRODUCTION)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_deploy_check_fails_with_debug_on():
    result = _check_deploy(**PRODUCTION | {"DEBUG": "True"}, SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_deploy_check_fails_over_plain_http():
    result = _check_deploy(
        **PRODUCTION | {"SITE_URL": "http://data.example.nl"}, SECRET_KEY=secrets.token_urlsafe(50)
    )

    assert result.returncode != 0
    assert "security.W012" in result.stderr  # session cookie not secure
