"""Helpers for the browser tests (tests/test_browser.py): start the web app in a subprocess,
launch Debian's Chromium through Playwright, and drive the page by the ``elem_id``s the app
gives its components.

Never ``playwright install``: it downloads a browser. ``make test`` installs Chromium from the
system's packages when it is missing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from app_process import App, free_port, start_app  # noqa: F401  (re-exported)
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from interviewer.config import REPO_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The README's pictures are refreshed only on request (INTERVIEWER_UPDATE_SCREENSHOTS=1): a
# plain test run writes them under reports/, so it leaves the working tree clean.
SCREENSHOTS = REPO_ROOT / (
    "docs/screenshots"
    if os.environ.get("INTERVIEWER_UPDATE_SCREENSHOTS")
    else "reports/screenshots"
)
VIEWPORT = {"width": 1280, "height": 900}
SLOW = 20_000  # ms: a generous ceiling for one server round trip on a busy CI machine
THINKING = "…"  # what the chat shows while the interviewer's reply is on its way


def chromium_problem() -> str | None:
    """Why Chromium cannot be used here, or None."""
    if os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"The browser tests need Chromium at {CHROMIUM}, which is missing. `make test` installs "
        "it (Debian's chromium package); by hand: sudo apt-get install -y chromium "
        "chromium-driver. Never `playwright install`."
    )


def launch_chromium(playwright: Playwright) -> Browser:
    problem = chromium_problem()
    if problem:
        raise RuntimeError(problem)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


# -- the page -----------------------------------------------------------------------------------
def open_app(page: Page, url: str) -> None:
    """Load the page and wait until the candidate id is set (the load event has run)."""
    page.goto(url)
    expect(page.locator("#start")).to_be_visible(timeout=SLOW)
    expect(page.locator("#who")).to_contain_text("cand-", timeout=SLOW)


def field(page: Page, elem_id: str) -> Locator:
    """The text box of a gr.Textbox (a textarea, or an input for passwords)."""
    return page.locator(f"#{elem_id}").locator("textarea, input:not([type=number])").first


def choose(page: Page, elem_id: str, option: str | re.Pattern[str]) -> None:
    """Pick an option of a gr.Dropdown by its visible label."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=isinstance(option, str)).click()
    if isinstance(option, str):
        expect(page.locator(f"#{elem_id} input")).to_have_value(option)


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute(
        "aria-selected", "true"
    )


def bot_messages(page: Page, chat: str = "chat") -> Locator:
    return page.locator(f"#{chat} [data-testid='bot']")


def user_messages(page: Page, chat: str = "chat") -> Locator:
    return page.locator(f"#{chat} [data-testid='user']")


def wait_idle(page: Page, elem_id: str) -> None:
    """Wait until the component's loading indicator is gone (its event has finished)."""
    tracker = page.locator(f"#{elem_id} [data-testid='status-tracker']").first
    expect(tracker).to_have_class(re.compile(r"\bhide\b"), timeout=SLOW)


def send_answer(
    page: Page, text: str, chat: str = "chat", box: str = "answer", send: str = "send"
) -> None:
    """Type an answer and send it (``send=None``: press Shift+Enter), then wait for the reply."""
    before = bot_messages(page, chat).count()
    answered = user_messages(page, chat).count()
    field(page, box).fill(text)
    if send:
        page.locator(f"#{send}").click()
    else:
        field(page, box).press("Shift+Enter")
    expect(user_messages(page, chat)).to_have_count(answered + 1, timeout=SLOW)
    expect(bot_messages(page, chat)).not_to_have_count(before, timeout=SLOW)
    expect(bot_messages(page, chat).last).not_to_have_text(THINKING, timeout=SLOW)
    wait_idle(page, chat)


def toasts(page: Page) -> Locator:
    return page.locator(".toast-body")


def dismiss_toasts(page: Page) -> None:
    """Close every toast (so a screenshot shows the page, not a notice over it)."""
    closers = page.locator(".toast-close")
    for _ in range(closers.count()):
        closers.first.click()
    expect(toasts(page)).to_have_count(0)


def event_index(page: Page, elem_id: str, event: str = "click") -> int:
    """The fn_index the page sends for ``event`` on the component with ``elem_id``."""
    index = page.evaluate(
        """([elemId, event]) => {
            const config = window.gradio_config;
            const comp = config.components.find(c => c.props && c.props.elem_id === elemId);
            if (!comp) return null;
            const dep = config.dependencies.find(
                d => d.targets.some(([id, name]) => id === comp.id && name === event));
            return dep ? dep.id : null;
        }""",
        [elem_id, event],
    )
    assert isinstance(index, int), f"no {event} event on #{elem_id}"
    return index


def scroll_to_top(page: Page, elem_id: str) -> None:
    """Scroll every scrolled box inside the component back to its top."""
    page.locator(f"#{elem_id}").evaluate(
        """root => [root, ...root.querySelectorAll('*')]
            .filter(e => e.scrollHeight > e.clientHeight + 1 && e.scrollTop > 0)
            .forEach(e => { e.scrollTop = 0; })"""
    )


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page to <SCREENSHOTS>/<name>.png (overwritten each run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.mouse.move(0, 0)  # no hover effects in the picture
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path
