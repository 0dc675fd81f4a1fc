"""A reconciled run explains itself to an operator; diagnostics hold the evidence; notifications lead to runs."""

import re

from people import OLIVIA, sign_in

REASON_CODES = {
    "run.stale_queued",
    "run.stale_running",
    "run.infrastructure_timeout_or_abandonment",
    "run.queue_failure_bridge",
    "run.adapter_out_of_sync",
}


def open_first_reconciled_run(browser):
    """From the index, follows the "reconciled" summary tile, then the first run listed."""
    browser.click_and_wait_for_new_page(browser.find(".count-tile--reconciled_failed"))
    assert "freshness=reconciled_failed" in browser.arrived("reconciled runs")
    row = browser.find("tr[data-run-id][data-freshness=reconciled_failed]")
    run_id = row.get_attribute("data-run-id")
    browser.click_and_wait_for_new_page(row.find_element("css selector", "th a"))
    assert browser.arrived("reconciled run") == f"/operations/{run_id}"
    return run_id


def test_reconciled_run_explains_itself_and_keeps_evidence(browser, readme_screenshots):
    sign_in(browser, OLIVIA)
    run_id = open_first_reconciled_run(browser)
    article = browser.find("article[data-run-id]")
    assert article.get_attribute("data-run-id") == run_id
    assert article.get_attribute("data-freshness") == "reconciled_failed"

    explanation = browser.find("[data-reason-code]")
    assert explanation.get_attribute("data-reason-code") in REASON_CODES
    sentence = explanation.find_element("css selector", "h2 + p").text
    assert re.fullmatch(r"[A-Z][^_{}<>]{30,}\.", sentence), f"not an operator sentence: {sentence!r}"
    assert explanation.find_elements("css selector", "ol li"), "next steps are listed"

    diagnostics = browser.find("details#diagnostics")
    evidence = diagnostics.find_element("css selector", "figure.json-block")
    assert diagnostics.get_attribute("open") is None and not evidence.is_displayed(), "closed by default"
    diagnostics.find_element("css selector", "summary").click()
    browser.wait.until(lambda _: diagnostics.get_attribute("open") is not None and evidence.is_displayed())
    browser.arrived("diagnostics open")
    assert evidence.find_element("css selector", "figcaption").text == "Evidence"
    evidence_text = evidence.find_element("css selector", "pre").text
    for key in ("evaluated_at", "reference_time", "terminal_truth_path"):
        assert key in evidence_text, f"evidence lacks {key}: {evidence_text}"

    directory = readme_screenshots or browser.screenshots
    print(f"Saved {browser.save_screenshot_through(directory / 'reconciled-run.png', diagnostics)}")


def test_a_notification_leads_to_its_run(browser):
    sign_in(browser, OLIVIA)
    browser.click_and_wait_for_new_page(browser.find(".site-nav a[href='/notifications']"))
    assert browser.arrived("notifications") == "/notifications"
    link = browser.find(".notification a[href^='/operations/']")
    run_id = link.get_attribute("href").rsplit("/", 1)[1]
    browser.click_and_wait_for_new_page(link)
    assert browser.arrived("notified run") == f"/operations/{run_id}"
    assert browser.find("article[data-run-id]").get_attribute("data-run-id") == run_id
