"""Live updates, on by default: a run's page follows it from likely stale to reconciled without a reload while
its Diagnostics stay open, and the index counts new runs behind a bar instead of moving rows under the pointer.

These journeys change data (a run is finished through the worker API, runs are created), so they run against a
server of their own, not the session's shared one.
"""

import json
import urllib.request

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from browser import Browser, start_chromium
from operations import open_diagnostics
from people import OLIVIA, sign_in
from runwatch_server import REPO, RunwatchServer

UPDATE_TIMEOUT = 20  # seconds: the pages poll every 5 s


@pytest.fixture(scope="module")
def live_server():
    with RunwatchServer(directory=REPO / ".build/browser-server-live") as running:
        running.token = running.runwatch(
            "token", "create", "--db", str(running.database), "--workspace", "northwind", "--name", "live-test"
        ).strip()
        yield running


@pytest.fixture
def live_browser(live_server, screenshots, request):
    driver = start_chromium()
    try:
        yield Browser(driver, live_server.url, screenshots, name=request.node.name.removeprefix("test_"))
    finally:
        driver.quit()


def api(server, method, path, body=None):
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def mark_document(browser):
    """Marks the current document; `same_document` tells whether the page was reloaded since."""
    browser.driver.execute_script("window.runwatchLiveTest = 'kept'")


def same_document(browser):
    return browser.driver.execute_script("return window.runwatchLiveTest === 'kept'")


def live_status(browser):
    return browser.find("[data-live-status]").text


def test_a_run_page_follows_the_run_to_reconciled_with_diagnostics_open(live_server, live_browser):
    browser = live_browser
    sign_in(browser, OLIVIA)
    # A likely-stale run whose type takes queue failures (scheduled-only types refuse them).
    stale = api(live_server, "GET", "/runs?freshness=likely_stale&limit=50")["runs"]
    run = next(r for r in stale if r["type"] != "backup_schedule_run" and r["status"] == "running")
    browser.visit(f"/operations/{run['id']}", "likely stale run, live")
    article = browser.find("article.run-detail")
    assert article.get_attribute("data-freshness") == "likely_stale"
    browser.wait.until(lambda _: live_status(browser).startswith("Live"))
    diagnostics = open_diagnostics(browser)
    mark_document(browser)

    api(live_server, "POST", f"/runs/{run['id']}/queue-failure",
        {"kind": "timeout", "exception_class": "WorkerLost", "message": "The worker was lost"})
    WebDriverWait(browser.driver, UPDATE_TIMEOUT).until(
        lambda _: browser.find("article.run-detail").get_attribute("data-freshness") == "reconciled_failed"
    )
    assert same_document(browser), "updated in place, not reloaded"
    assert browser.find("details#diagnostics").get_attribute("open") is not None, "Diagnostics stay open"
    assert "WorkerLost" in browser.find("article.run-detail").text
    assert "live updates stopped" in live_status(browser)
    browser.screenshot("reconciled in place")
    browser.check_accessibility("run reconciled in place")


def test_new_runs_wait_behind_a_bar_and_rows_update_in_place(live_server, live_browser):
    browser = live_browser
    sign_in(browser, OLIVIA)
    browser.wait.until(lambda _: live_status(browser).startswith("Live"))
    before = [run_id for run_id, _ in browser.run_rows()]
    mark_document(browser)
    tenant = api(live_server, "GET", "/runs?limit=1")["runs"][0]["tenant_id"]
    created = [api(live_server, "POST", "/runs", {"type": "policy.sync", "tenant_id": tenant})["id"] for _ in range(2)]
    bar = WebDriverWait(browser.driver, UPDATE_TIMEOUT).until(lambda _: (b := browser.find_all(".new-runs")) and b[0].is_displayed() and b[0])
    assert bar.text == "2 new runs — show"
    assert [run_id for run_id, _ in browser.run_rows()] == before, "rows do not move under the pointer"
    browser.check_accessibility("index with new runs waiting")
    # A row on screen changes in place: the newest run shown is started by a worker.
    api(live_server, "POST", f"/runs/{created[0]}/start", {})
    bar.find_element("css selector", "button").click()
    rows = [run_id for run_id, _ in browser.run_rows()]
    assert rows[:2] == sorted(created, reverse=True)
    assert same_document(browser)
    WebDriverWait(browser.driver, UPDATE_TIMEOUT).until(
        lambda _: "Running" in browser.find(f"tr[data-run-id='{created[0]}']").text
    )
    assert same_document(browser)


def test_live_updates_pause_while_hidden_and_on_request(live_server, live_browser):
    browser = live_browser
    sign_in(browser, OLIVIA)
    browser.wait.until(lambda _: live_status(browser).startswith("Live"))
    toggle = browser.find(".live-status__toggle")
    assert toggle.text == "Pause"
    toggle.click()
    assert live_status(browser).startswith("Live updates paused")
    assert browser.find(".live-status__toggle").get_attribute("aria-pressed") == "true"
    browser.find(".live-status__toggle").click()
    browser.wait.until(lambda _: live_status(browser).startswith("Live ·"))
    # The tab goes to the background: polling pauses and says so.
    browser.driver.execute_script(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    assert live_status(browser).startswith("Live · paused while this tab is hidden")
    # A finished run's page does not poll at all.
    finished = api(live_server, "GET", "/runs?freshness=terminal_normal&limit=1")["runs"][0]
    browser.visit(f"/operations/{finished['id']}", "finished run")
    assert live_status(browser) == ""
