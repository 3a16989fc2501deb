"""axe-core, the accessibility checker, run in the page under test: taken from the npm
registry at a pinned version, checked against the registry's sha512 integrity, and kept under
`build/` for the next run."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
KEPT = Path(__file__).resolve().parents[2] / "build" / f"axe-core-{VERSION}.min.js"
SEVERE = ("serious", "critical")


@cache
def axe_source() -> str:
    if not KEPT.is_file():
        with urllib.request.urlopen(URL, timeout=120) as response:
            data: bytes = response.read()
        algorithm, _, expected = INTEGRITY.partition("-")
        if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
            raise RuntimeError(f"{URL} is not the pinned axe-core {VERSION}")
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None
            KEPT.parent.mkdir(parents=True, exist_ok=True)
            KEPT.write_bytes(member.read())
    return KEPT.read_text()


def severe_violations(page: Page) -> list[dict[str, Any]]:
    """The page's serious and critical violations of WCAG 2.2 A and AA, each with the rule,
    its help and the elements at fault. Run through the browser's devtools, so the page's
    content security policy stays as it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
          }));
        }"""
    )
    return [v for v in found if v["impact"] in SEVERE]
