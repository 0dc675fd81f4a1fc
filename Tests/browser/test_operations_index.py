"""The Operations index as an operator uses it: every freshness state, the filter form, keyset pages."""

from selenium.webdriver.support.ui import Select

from people import OLIVIA, sign_in

ALL_FRESHNESS = {"fresh_active", "likely_stale", "reconciled_failed", "terminal_normal", "unknown"}


def ids(rows):
    return [run_id for run_id, _ in rows]


def older_link(browser):
    links = browser.find_all(".pagination a[rel=next]")
    return links[0] if links else None


def test_every_freshness_state_is_on_the_index(browser):
    sign_in(browser, OLIVIA)
    seen = {freshness for _, freshness in browser.run_rows()}
    assert {"fresh_active", "likely_stale", "reconciled_failed", "terminal_normal"} <= seen, seen
    while seen != ALL_FRESHNESS and (link := older_link(browser)) is not None:
        browser.click_and_wait_for_new_page(link)
        browser.arrived("older runs")
        seen |= {freshness for _, freshness in browser.run_rows()}
    assert seen == ALL_FRESHNESS, f"freshness states on the index pages: {sorted(seen)}"


def test_filter_by_freshness_with_the_form(browser):
    sign_in(browser, OLIVIA)
    Select(browser.find("#filter-freshness")).select_by_visible_text("Likely stale")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("likely stale")
    assert "freshness=likely_stale" in path
    rows = browser.run_rows()
    assert rows, "the seed has likely-stale runs and the test policy keeps them so"
    assert {freshness for _, freshness in rows} == {"likely_stale"}
    assert Select(browser.find("#filter-freshness")).first_selected_option.text == "Likely stale"


def test_filter_by_tenant_with_the_form(browser, readme_screenshots):
    sign_in(browser, OLIVIA)
    Select(browser.find("#filter-tenant")).select_by_visible_text("Woodgrove Bank")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("tenant Woodgrove")
    assert "tenant=4" in path
    tenants = {cell.text for cell in browser.find_all("tr[data-run-id] td:nth-of-type(1)")}
    assert tenants == {"Woodgrove Bank"}, tenants
    save_index_screenshot(browser, readme_screenshots or browser.screenshots)

    browser.click_and_wait_for_new_page(browser.find(".filters a[href='/operations']"))
    assert browser.arrived("filters cleared") == "/operations"
    tenants = {cell.text for cell in browser.find_all("tr[data-run-id] td:nth-of-type(1)")}
    assert len(tenants) > 1, "clearing the filters shows every tenant again"


def save_index_screenshot(browser, directory):
    """docs/screenshots/operations.png: one tenant's newest runs, down to its first reconciled one, so the
    summary tiles and active, likely-stale, finished and reconciled runs are all in one picture."""
    rows = browser.find_all("tr[data-run-id]")
    last = next(i for i, row in enumerate(rows) if row.get_attribute("data-freshness") == "reconciled_failed")
    shown = {row.get_attribute("data-freshness") for row in rows[: last + 1]}
    assert shown == ALL_FRESHNESS - {"unknown"}, f"states in the screenshot: {sorted(shown)}"
    browser.save_screenshot_through(directory / "operations.png", rows[last], margin=1)


def test_page_forward_and_back(browser):
    sign_in(browser, OLIVIA)
    first = browser.run_rows()
    assert len(first) == 50 and not browser.find_all(".pagination a[rel=prev]"), "page 1 has no newer page"

    browser.click_and_wait_for_new_page(older_link(browser))
    assert "before=" in browser.arrived("page 2")
    second = browser.run_rows()
    assert second and max(ids(second)) < min(ids(first)), "older runs, no overlap"

    browser.click_and_wait_for_new_page(older_link(browser))
    assert "before=" in browser.arrived("page 3")
    third = browser.run_rows()
    assert third and max(ids(third)) < min(ids(second))

    browser.click_and_wait_for_new_page(browser.find(".pagination a[rel=prev]"))
    assert "after=" in browser.arrived("back to page 2")
    assert ids(browser.run_rows()) == ids(second), "the same runs (a run may turn stale meanwhile)"

    browser.click_and_wait_for_new_page(browser.find(".pagination a[rel=prev]"))
    browser.arrived("back to page 1")
    assert ids(browser.run_rows()) == ids(first)
    assert not browser.find_all(".pagination a[rel=prev]"), "back on the newest page"
