"""Screenshots of the committed pages in headless Chromium, for the README (``make screenshots``).

    .venv/bin/python tools/screenshots.py [--pages visualizations] [--out docs/screenshots]

Each page is opened from disk with every non-file request refused, at 1280x800, and shot
once it reports a still picture (``body[data-ready]``). Needs Debian's chromium.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]


def shoot(pages: list[Path], out: Path, width: int = 1280, height: int = 800) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for page_path in pages:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                          else r.abort())
            page = context.new_page()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
            page.wait_for_timeout(300)  # the re-fit after the first frame
            target = out / (page_path.stem + ".png")
            page.screenshot(path=str(target))
            written.append(target)
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=Path("visualizations"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("names", nargs="*", help="page files (default: every .html in --pages)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    pages = [Path(n) for n in args.names] or sorted(args.pages.glob("*.html"))
    for target in shoot(pages, args.out, width, height):
        print(target)


if __name__ == "__main__":
    main()
