"""Readable on a phone: at 390 CSS pixels no page is wider than the screen. The run table may scroll inside its
own frame; the page around it, the explanation with its long reason code and the diagnostics must not."""

from operations import open_diagnostics, open_first_run_from_tile
from people import OLIVIA, sign_in

PHONE = (390, 844)


def page_overflow(browser):
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return browser.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_pages_fit_a_phone_screen(browser):
    browser.driver.set_window_size(*PHONE)
    sign_in(browser, OLIVIA)
    assert browser.driver.execute_script("return window.innerWidth") == PHONE[0]
    assert page_overflow(browser) == 0, "the operations index"

    open_first_run_from_tile(browser, "reconciled_failed")
    open_diagnostics(browser)
    assert page_overflow(browser) == 0, f"a reconciled run ({browser.path})"

    for path, label in (("/notifications", "notifications"), ("/audit", "audit log")):
        browser.visit(path, label)
        assert page_overflow(browser) == 0, label
