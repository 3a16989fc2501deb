"""The console's own work in the browser as rule set documents grow, up to the largest one
scoring accepts.

    python -m bench.console [--sizes 16000,64000,256000] [--samples 15]

The console's files are served as the gateway serves them, on a loopback port, and opened in
Debian's Chromium through Playwright. For a document of each size (the default rule set with
its rules repeated under new ids) it measures:
- keystroke: one character typed near the top of the editor until its highlighted layer and
  line numbers are rebuilt and laid out again (the input handler's run, then a forced
  layout); the median and the slowest of the samples. The same in a bare text area is
  Chromium's own cost, below which no editor over a text area can go;
- opening: a version's read-only view (highlighted, numbered) built and laid out;
- diff: the line diff against a copy with one line in a hundred changed, spread over the
  document (its common beginning and end cannot be skipped), and against a document with
  no line in common.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright
from starlette.applications import Starlette

from services.gateway.edge import static_files
from services.kernel.processes import free_port
from services.scoring.domain.definitions import MAX_DOCUMENT

DEFAULT = (Path(__file__).parents[1] / "services/scoring/shipped/default_ruleset.yaml").read_text()

TYPING = """async ([text, samples, bare]) => {
    const { codeEditor } = await import("/console/js/code.js");
    const editor = bare
        ? { element: document.createElement("textarea") }
        : codeEditor(text, () => {});
    const page = document.getElementById("page");
    page.replaceChildren(editor.element);
    const area = bare ? editor.element : editor.element.querySelector("textarea");
    area.wrap = "off";
    area.value = text;
    const times = [];
    for (let i = 0; i < samples; i += 1) {
        const started = performance.now();
        area.setRangeText("x", 40, 40, "end");
        area.dispatchEvent(new Event("input"));
        void editor.element.offsetHeight;
        times.push(performance.now() - started);
    }
    return times;
}"""

OPENING = """async ([text, samples]) => {
    const { codeView } = await import("/console/js/code.js");
    const page = document.getElementById("page");
    const times = [];
    for (let i = 0; i < samples; i += 1) {
        const started = performance.now();
        page.replaceChildren(codeView(text, [{ line: 3, message: "a problem" }]));
        void page.offsetHeight;
        times.push(performance.now() - started);
    }
    return times;
}"""

DIFF = """async ([before, after, samples]) => {
    const { lineDiff } = await import("/console/js/line_diff.js");
    const times = [];
    for (let i = 0; i < samples; i += 1) {
        const started = performance.now();
        lineDiff(before, after);
        times.push(performance.now() - started);
    }
    return times;
}"""


def document_of(size: int) -> str:
    """The default rule set with its rules repeated under new ids, cut at a rule's end."""
    head, rules = DEFAULT.split("\nrules:\n", 1)
    text, copy = f"{head}\nrules:\n{rules}", 1
    while len(text) < size:
        more = re.sub(r"- id: ([\w-]+)", rf"- id: \1-{copy}", rules)
        if len(text) + len(more) > min(size, MAX_DOCUMENT):
            break
        text, copy = text + more, copy + 1
    return text


def every_hundredth_line_changed(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(f"{line} # changed" if n % 100 == 50 else line for n, line in enumerate(lines))


def every_line_changed(text: str) -> str:
    return "\n".join(f"{line} # changed" for line in text.split("\n"))


@contextlib.contextmanager
def console_served() -> Iterator[str]:
    port = free_port()
    app = Starlette(routes=static_files.routes())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/console/"
    finally:
        server.should_exit = True
        thread.join()


def _figures(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), max(times)


def measure(page: Page, text: str, samples: int) -> dict[str, tuple[float, float]]:
    diffs = max(3, samples // 5)
    return {
        "keystroke in the editor (ms)": _figures(page.evaluate(TYPING, [text, samples, False])),
        "keystroke in a bare text area (ms)": _figures(
            page.evaluate(TYPING, [text, samples, True])
        ),
        "opening a version (ms)": _figures(page.evaluate(OPENING, [text, samples])),
        "diff, 1 line in 100 changed (ms)": _figures(
            page.evaluate(DIFF, [text, every_hundredth_line_changed(text), diffs])
        ),
        "diff, no line in common (ms)": _figures(
            page.evaluate(DIFF, [text, every_line_changed(text), diffs])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"16000,64000,{MAX_DOCUMENT}")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is missing: tests/console/chromium.sh installs it")
    sizes = [int(s) for s in args.sizes.split(",")]
    with console_served() as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(address)
        print("| document | lines | measure | median | slowest |")
        print("|---|---|---|---|---|")
        for size in sizes:
            text = document_of(size)
            lines = text.count("\n") + 1
            for name, (median, slowest) in measure(page, text, args.samples).items():
                print(
                    f"| {len(text):,} chars | {lines:,} | {name} | {median:.1f} | {slowest:.1f} |"
                )
        browser.close()


if __name__ == "__main__":
    main()
