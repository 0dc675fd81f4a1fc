"""The pages follow the reader's colour scheme; axe-core checks contrast in the dark one as well."""

from operations import open_diagnostics, open_first_run_from_tile
from people import OLIVIA, sign_in

DARK_BACKGROUND = "rgb(15, 20, 25)"  # --bg in app.css's prefers-color-scheme: dark block


def test_dark_scheme_pages_pass_axe(browser):
    browser.prefer_color_scheme("dark")
    sign_in(browser, OLIVIA)
    assert browser.driver.execute_script("return getComputedStyle(document.body).backgroundColor") == (
        DARK_BACKGROUND
    )
    open_first_run_from_tile(browser, "reconciled_failed")
    open_diagnostics(browser)
    browser.visit("/operations", "operations")
    open_first_run_from_tile(browser, "likely_stale")
    browser.visit("/notifications", "notifications")
    # The find and time-range states of the index.
    browser.visit("/operations?q=policy", "search results")
    browser.visit("/operations?created_after=24h&initiator=system", "created in the last day by the system")
    browser.visit("/operations?q=zzzz-nothing", "search without results")
