"""What an operator does on the Operations index, shared by the journeys."""

from selenium.webdriver.common.by import By


def open_first_run_from_tile(browser, freshness):
    """From the index, follows the summary tile for `freshness` (active, likely stale or reconciled), then the
    first run it lists; returns that run's id as shown in the row."""
    browser.click_and_wait_for_new_page(browser.find(f".count-tile--{freshness}"))
    assert f"freshness={freshness}" in browser.arrived(f"{freshness} runs")
    row = browser.find(f"tr[data-run-id][data-freshness={freshness}]")
    run_id = row.get_attribute("data-run-id")
    browser.click_and_wait_for_new_page(row.find_element(By.CSS_SELECTOR, "th a"))
    assert browser.arrived(f"{freshness} run") == f"/operations/{run_id}"
    return run_id


def open_diagnostics(browser):
    """Opens the closed-by-default Diagnostics disclosure by clicking its summary; returns the <details>."""
    diagnostics = browser.find("details#diagnostics")
    assert diagnostics.get_attribute("open") is None, "diagnostics start closed"
    diagnostics.find_element(By.CSS_SELECTOR, "summary").click()
    browser.wait.until(lambda _: diagnostics.get_attribute("open") is not None)
    browser.arrived("diagnostics open")
    return diagnostics
