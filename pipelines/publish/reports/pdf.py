"""PDF printed from the report's own HTML by headless Chromium, and checked before it counts.

BI tools send blank or truncated PDFs without telling anyone; this printer refuses to hand one
back. It waits until every chart has rendered (the page marks ``data-charts="ready"``), prints
A4 with page numbers, then checks the result: pages exist, and the text of the PDF (pdftotext)
contains the markers the caller names — the report's last line among them, so a document cut
short fails. The browser is the system Chromium (``/usr/bin/chromium``); Playwright never
downloads one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.environment import read_environment
from pipelines.publish import theme

from .errors import ReportError

CHROMIUM = read_environment().chromium
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
# Printable width of A4 at 96 px/inch with the template's 11 mm side margins: charts are laid
# out at this width so the printed page never clips them.
PRINT_WIDTH = {"portrait": 710, "landscape": 1038}
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![s\w])")
FOOTER = (
    f'<div style="font-size:7px;width:100%;padding:0 11mm;color:{theme.MUTED};'
    f'font-family:{theme.FONT_FAMILY};display:flex;justify-content:space-between">'
    '<span>{label}</span><span>page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></span></div>'
)


@dataclass(frozen=True)
class PdfCheck:
    pages: int
    text_chars: int
    text_checked: bool


def page_count(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def pdf_text(path: Path) -> str | None:
    """The PDF's text through poppler's pdftotext, or None when it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    result = subprocess.run(
        [tool, "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise ReportError(
            f"the printed PDF {path.name} cannot be read back: "
            f"{result.stderr.decode(errors='replace').strip()[:200]}"
        )
    return result.stdout.decode("utf-8", errors="replace")


def print_pdf(
    html_path: Path,
    pdf_path: Path,
    *,
    footer_label: str,
    orientation: str = "portrait",
    must_contain: Sequence[str] = (),
    timeout_ms: int = 120_000,
) -> PdfCheck:
    """Print ``html_path`` to ``pdf_path`` and verify it; ReportError if anything is off."""
    sync_playwright, playwright_error = _playwright()
    if not Path(CHROMIUM).exists():
        raise ReportError(
            f"cannot print the PDF: no Chromium at {CHROMIUM} (apt-get install chromium)."
        )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page(
                    viewport={"width": PRINT_WIDTH[orientation], "height": 1100}
                )
                _load(page, html_path, timeout_ms)
                pdf = page.pdf(
                    path=str(pdf_path),
                    prefer_css_page_size=True,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<div></div>",
                    footer_template=FOOTER.format(label=_escape(footer_label)),
                    outline=True,
                    tagged=True,
                )
            finally:
                browser.close()
    except playwright_error as error:
        raise ReportError(
            f"Chromium could not print {html_path.name}: {str(error).splitlines()[0]}"
        ) from None
    return verify_pdf(pdf_path, pdf, must_contain)


def _playwright() -> tuple[Any, type[Exception]]:
    """Playwright's entry point and its error class (imported when a PDF is printed)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ReportError(
            "cannot print the PDF: the playwright package is not installed "
            "(it drives the system Chromium; no browser download is needed)."
        ) from None
    return sync_playwright, PlaywrightError


def _load(page: Any, html_path: Path, timeout_ms: int) -> None:
    """Open the report offline and wait for its charts: ReportError if the page asks for
    anything but itself or a chart is not drawn."""
    url = html_path.resolve().as_uri()
    # Offline by construction: the page may load nothing but itself. A request for
    # anything else means the HTML is not self-contained, which fails the report.
    blocked: list[str] = []

    def only_the_report(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_report)
    page.emulate_media(media="print")
    page.goto(url, wait_until="load", timeout=timeout_ms)
    page.wait_for_function(
        "document.body.getAttribute('data-charts') !== 'pending'",
        timeout=timeout_ms,
    )
    state = page.evaluate("document.body.getAttribute('data-charts')")
    if state != "ready":
        error = page.evaluate("document.body.getAttribute('data-chart-error')")
        raise ReportError(f"the charts of {html_path.name} did not render: {error}")
    if blocked:
        raise ReportError(
            f"{html_path.name} is not self-contained: it asked for "
            f"{', '.join(sorted(set(blocked))[:3])}."
        )
    drawn = page.evaluate("document.querySelectorAll('.chart .main-svg').length")
    expected = page.evaluate("Number(document.body.dataset.chartCount)")
    if drawn < expected:
        raise ReportError(f"only {drawn} of {expected} charts of {html_path.name} were drawn.")


def verify_pdf(path: Path, pdf: bytes, must_contain: Sequence[str]) -> PdfCheck:
    pages = page_count(pdf)
    if not pdf.startswith(b"%PDF") or pages == 0:
        raise ReportError(f"the printed PDF {path.name} has no pages.")
    text = pdf_text(path)
    if text is None:
        return PdfCheck(pages, 0, False)
    compact = " ".join(text.split())
    if not compact:
        raise ReportError(f"the printed PDF {path.name} has {pages} pages but no text.")
    missing = [marker for marker in must_contain if " ".join(marker.split()) not in compact]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5])
        raise ReportError(
            f"the printed PDF {path.name} is incomplete: its text lacks {shown}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + "."
        )
    return PdfCheck(pages, len(compact), True)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
