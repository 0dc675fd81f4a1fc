"""Readable on a phone (issue #16): at 390 CSS pixels no page is wider than the screen, each run on the index is a
card (the run and its state first, then tenant, age and progress), the filters fold behind a "Filters" summary,
the audit panel fits with its Close button in view. In both colour schemes, axe-core on every page."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from operations import open_diagnostics, open_first_run_from_tile
from people import OLIVIA, sign_in

PHONE = (390, 844)
SCHEMES = ["light", "dark"]
WOODGROVE_BANK = "Woodgrove Bank"


def sign_in_on_a_phone(browser, scheme):
    browser.prefer_color_scheme(scheme)
    browser.driver.set_window_size(*PHONE)
    sign_in(browser, OLIVIA)
    assert browser.driver.execute_script("return window.innerWidth") == PHONE[0]


def rectangle(browser, element):
    return browser.driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};",
        element,
    )


def card_label(browser, cell):
    """What the card shows in front of a cell (its `::before` content), without the quotes."""
    return browser.driver.execute_script(
        "return getComputedStyle(arguments[0], '::before').content", cell
    ).strip('"')


@pytest.mark.parametrize("scheme", SCHEMES)
def test_pages_fit_a_phone_screen(browser, scheme):
    sign_in_on_a_phone(browser, scheme)
    assert browser.horizontal_overflow() == 0, "the operations index"

    open_first_run_from_tile(browser, "reconciled_failed")
    open_diagnostics(browser)
    assert browser.horizontal_overflow() == 0, f"a reconciled run ({browser.path})"

    open_first_run_from_tile_of_index(browser, "likely_stale")
    assert browser.horizontal_overflow() == 0, f"a likely-stale run ({browser.path})"

    for path, label in (
        ("/notifications", "notifications"),
        ("/audit", "audit log"),
        ("/insights", "insights"),
        ("/settings/webhooks", "webhook settings"),
    ):
        browser.visit(path, label)
        assert browser.horizontal_overflow() == 0, label


def open_first_run_from_tile_of_index(browser, freshness):
    browser.visit("/operations", "operations")
    return open_first_run_from_tile(browser, freshness)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_runs_are_cards_on_a_phone(browser, scheme):
    sign_in_on_a_phone(browser, scheme)
    rows = browser.find_all("tr[data-run-id][data-freshness]")
    assert len(rows) == 50
    for row in rows[:12]:
        card = rectangle(browser, row)
        assert 0 <= card["left"] and card["right"] <= PHONE[0], f"run {row.get_attribute('data-run-id')}: {card}"
        name = rectangle(browser, row.find_element(By.CSS_SELECTOR, "th a"))
        badge = rectangle(browser, row.find_element(By.CSS_SELECTOR, "td .badge"))
        tenant_cell = row.find_element(By.CSS_SELECTOR, "td:nth-of-type(1)")
        tenant = rectangle(browser, tenant_cell)
        assert name["bottom"] <= badge["top"] + 1, "the run's name first, its state below"
        assert badge["bottom"] <= tenant["top"] + 1, "the state before the tenant"
        assert card_label(browser, tenant_cell) == "Tenant"
        created = row.find_element(By.CSS_SELECTOR, "td:has(> time)")
        assert card_label(browser, created) == "Created"
        assert rectangle(browser, created)["top"] >= tenant["bottom"] - 1, "age after the tenant"
        assert not row.find_element(By.CSS_SELECTOR, "td.run-initiator").is_displayed()
    assert browser.horizontal_overflow() == 0

    # The live updates run on a phone too, without fixing column widths the cards do not have; once the
    # screen is wide enough for the table, its columns are fixed as usual.
    browser.wait.until(lambda _: browser.find("[data-live-status]").text.startswith("Live"))
    table = browser.find("[data-live=index] table")
    assert table.get_attribute("data-frozen") is None
    browser.driver.set_window_size(1366, 900)
    browser.wait.until(lambda _: table.get_attribute("data-frozen") == "1")
    assert not browser.find(".filters-disclosure > summary").is_displayed(), "no summary on a wide screen"
    assert browser.find("#filter-freshness").is_displayed()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_filters_fold_behind_a_summary_on_a_phone(browser, scheme, readme_screenshots):
    sign_in_on_a_phone(browser, scheme)
    disclosure = browser.find("details.filters-disclosure")
    summary = disclosure.find_element(By.CSS_SELECTOR, "summary")
    assert disclosure.get_attribute("open") is None, "folded on a phone when no filter is applied"
    assert summary.text == "Filters"
    assert not browser.find("#filter-tenant").is_displayed()
    first_run = browser.find("tr[data-run-id]")
    assert rectangle(browser, first_run)["top"] < PHONE[1], "the first run is on the first screen"

    summary.click()
    browser.wait.until(lambda _: disclosure.get_attribute("open") is not None)
    browser.arrived("filters open")
    for name in ("freshness", "status", "outcome", "type", "tenant"):
        assert browser.find(f"#filter-{name}").is_displayed(), name
    Select(browser.find("#filter-tenant")).select_by_visible_text(WOODGROVE_BANK)
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    assert "tenant=4" in browser.arrived("filtered by tenant")
    summary = browser.find("details.filters-disclosure > summary")
    assert summary.text.startswith("Filters (1"), summary.text
    assert browser.find("details.filters-disclosure").get_attribute("open") is not None, (
        "an applied filter stays in view"
    )
    assert {cell.text for cell in browser.find_all("tr[data-run-id] td:nth-of-type(1)")} == {WOODGROVE_BANK}

    if readme_screenshots and scheme == "light":
        save_phone_screenshot(browser, summary, readme_screenshots)


def save_phone_screenshot(browser, summary, directory):
    """docs/screenshots/phone.png: one tenant's newest runs as cards, with the filters folded again."""
    summary.click()
    browser.wait.until(lambda _: browser.find("details.filters-disclosure").get_attribute("open") is None)
    rows = browser.find_all("tr[data-run-id]")
    states = [row.get_attribute("data-freshness") for row in rows]
    last = min(states.index("reconciled_failed") if "reconciled_failed" in states else 3, 3)
    browser.save_screenshot_through(directory / "phone.png", rows[last], margin=12, width=PHONE[0])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_audit_panel_fits_a_phone(browser, scheme):
    sign_in_on_a_phone(browser, scheme)
    browser.visit("/audit", "audit log")
    browser.click_and_wait_for_new_page(browser.find("tr[data-event-id] th a"))
    assert "event=" in browser.arrived("audit event")
    panel = browser.find(".side-panel")
    close = panel.find_element(By.CSS_SELECTOR, ".side-panel__head a")
    assert close.is_displayed()
    button = rectangle(browser, close)
    assert 0 <= button["left"] and button["right"] <= PHONE[0], button
    assert rectangle(browser, panel)["right"] <= PHONE[0]
    assert browser.horizontal_overflow() == 0

    browser.click_and_wait_for_new_page(close)
    assert "event=" not in browser.arrived("audit panel closed")
    assert not browser.find_all(".side-panel")
