"""Draw the app icons (192, 512 and a maskable 512 PNG) from static/icons/icon.svg.

Run `make icons` after changing the SVG; commit the PNGs.
Chromium (through Playwright, as the browser tests use it) renders the SVG, so no image
library is needed. The maskable icon fills the square with the brand colour and keeps the
figure inside the central 80% that every launcher mask leaves visible.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from . import chromium_launch_args

ROOT = Path(__file__).resolve().parents[2]

ICONS = ROOT / "static" / "icons"
BRAND = "#0f5c4d"


def page_html(svg: str, size: int, maskable: bool) -> str:
    inner = round(size * 0.72) if maskable else size
    background = BRAND if maskable else "transparent"
    return (
        "<!doctype html><style>html,body{margin:0;background:transparent}"
        f"div{{width:{size}px;height:{size}px;display:grid;place-items:center;background:{background}}}"
        f"svg{{width:{inner}px;height:{inner}px;display:block}}</style><div>{svg}</div>"
    )


def main() -> int:
    svg = (ICONS / "icon.svg").read_text()
    wanted = [("icon-192.png", 192, False), ("icon-512.png", 512, False)]
    wanted.append(("icon-maskable-512.png", 512, True))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_args())
        for name, size, maskable in wanted:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_html(svg, size, maskable))
            page.locator("div").screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
            print(f"Saved static/icons/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
