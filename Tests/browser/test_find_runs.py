"""Finding runs as an operator does: by number and by words in the Find box, by when they were created (a quick
range and "jump to date"), and by who requested them; each page passes axe-core."""

from datetime import datetime, timedelta, timezone

from selenium.webdriver.support.ui import Select

from people import OLIVIA, sign_in


def find(browser, text):
    box = browser.find("#find-run")
    box.clear()
    box.send_keys(text)
    browser.click_and_wait_for_new_page(browser.find(".find-run button[type=submit]"))


def test_find_a_run_by_number_and_by_words(browser):
    sign_in(browser, OLIVIA)
    run_id, _ = browser.run_rows()[0]
    find(browser, f"#{run_id}")
    assert browser.arrived("run found by number") == f"/operations/{run_id}"

    browser.visit("/operations", "operations")
    tenant = next(
        cell.text for cell in browser.find_all("tr[data-run-id] td:nth-of-type(1)") if cell.text != "Workspace-level"
    )
    find(browser, tenant)
    path = browser.arrived("runs found by words")
    assert "q=" in path
    rows = browser.find_all("tr[data-run-id]")
    assert rows, f"runs of {tenant!r} are found"
    assert all(row.find_elements("css selector", "td")[0].text == tenant for row in rows)
    assert browser.find("#find-run").get_attribute("value") == tenant, "the box keeps the words"
    assert f"Matching “{tenant}”" in browser.find(".filters").text
    # Refining with a filter keeps the search; clearing it keeps the filter.
    Select(browser.find("#filter-outcome")).select_by_visible_text("Succeeded")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("search and outcome")
    assert "q=" in path and "outcome=succeeded" in path
    browser.click_and_wait_for_new_page(browser.driver.find_element("link text", "Clear search"))
    path = browser.arrived("outcome only")
    assert "q=" not in path and "outcome=succeeded" in path


def test_runs_by_time_range_jump_to_date_and_requester(browser):
    sign_in(browser, OLIVIA)
    Select(browser.find("#filter-created_after")).select_by_visible_text("Last 24 hours")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("created in the last 24 hours")
    assert "created_after=24h" in path
    assert browser.run_rows(), "the seed creates runs all day"
    assert browser.find(".list-position").text.startswith("Runs 1–")

    # Jump to date: runs created on or before yesterday, newest first.
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).date().isoformat()
    browser.visit("/operations", "operations")
    browser.driver.execute_script(
        "document.getElementById('filter-created_before').value = arguments[0]", yesterday
    )
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("jump to date")
    assert f"created_before={yesterday}" in path
    position = browser.find(".list-position").text
    assert "created before" in position and position.endswith("newest first")

    # Who requested it: the system's runs.
    browser.visit("/operations", "operations")
    Select(browser.find("#filter-initiator")).select_by_visible_text("System (no person)")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("runs the system requested")
    assert "initiator=system" in path
    assert Select(browser.find("#filter-initiator")).first_selected_option.text == "System (no person)"
