"""Screenshots of the served career planner for the README (``make screenshots``).

    .venv/bin/python tools/planner_screenshots.py [--out docs/screenshots]

Starts the endpoint over the shipped graph in this process, opens ``/`` in Debian's chromium
at 1,280 and at 360 px wide with every request to another host refused, ticks one skill (so
the picture shows a question being asked), and shoots once the answer is drawn.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from screenshots import ARGS

SIZES = {"planner-served.png": (1280, 900), "planner-served-360.png": (360, 780)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from kg.serving.server import running_server

    args.out.mkdir(parents=True, exist_ok=True)
    with running_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url)
                          else r.abort())
            page = context.new_page()
            page.goto(url + "/")
            page.wait_for_selector("body[data-answered]", state="attached", timeout=60_000)
            before = int(page.get_attribute("body", "data-answered"))
            page.locator("#skill-groups input:not([disabled])").first.check()
            page.wait_for_function(
                f"() => Number(document.body.getAttribute('data-answered')) > {before}")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(args.out / name))
            print(args.out / name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
