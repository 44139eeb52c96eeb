"""Retake the README's screenshots: `vigil demo && vigil build`, then
`python3 docs/screenshots/take.py site` (Debian's chromium, desktop and phone, both themes)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900, 1), "phone": (390, 844, 1)}


def main(site: Path) -> None:
    out = Path(__file__).resolve().parent
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, (width, height, scale) in SIZES.items():
            for scheme in ("light", "dark"):
                page = browser.new_page(
                    viewport={"width": width, "height": height},
                    device_scale_factor=scale,
                    color_scheme=scheme,
                )
                page.goto((site / "index.html").resolve().as_uri())
                page.screenshot(path=out / f"{name}-{scheme}.png")
                page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "site"))
