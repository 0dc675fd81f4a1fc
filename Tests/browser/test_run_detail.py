"""A reconciled run explains itself to an operator; diagnostics hold the evidence; notifications lead to runs."""

import re

from selenium.webdriver.common.by import By

from operations import open_diagnostics, open_first_run_from_tile
from people import OLIVIA, sign_in

REASON_CODES = {
    "run.stale_queued",
    "run.stale_running",
    "run.infrastructure_timeout_or_abandonment",
    "run.queue_failure_bridge",
    "run.adapter_out_of_sync",
    "run.resolved_by_operator",
}


def test_reconciled_run_explains_itself_and_keeps_evidence(browser, readme_screenshots):
    sign_in(browser, OLIVIA)
    run_id = open_first_run_from_tile(browser, "reconciled_failed")
    article = browser.find("article[data-run-id]")
    assert article.get_attribute("data-run-id") == run_id
    assert article.get_attribute("data-freshness") == "reconciled_failed"

    explanation = browser.find("[data-reason-code]")
    assert explanation.get_attribute("data-reason-code") in REASON_CODES
    sentence = explanation.find_element(By.CSS_SELECTOR, "h2 + p").text
    assert re.fullmatch(r"[A-Z][^_{}<>]{30,}\.", sentence), f"not an operator sentence: {sentence!r}"
    assert explanation.find_elements(By.CSS_SELECTOR, "ol li"), "next steps are listed"

    evidence = browser.find("details#diagnostics figure.json-block")
    assert not evidence.is_displayed(), "the evidence is hidden until diagnostics are opened"
    diagnostics = open_diagnostics(browser)
    assert evidence.is_displayed()
    assert evidence.find_element(By.CSS_SELECTOR, "figcaption").text == "Evidence"
    evidence_text = evidence.find_element(By.CSS_SELECTOR, "pre").text
    for key in ("evaluated_at", "reference_time", "terminal_truth_path"):
        assert key in evidence_text, f"evidence lacks {key}: {evidence_text}"

    directory = readme_screenshots or browser.screenshots
    browser.save_screenshot_through(directory / "reconciled-run.png", diagnostics)


def test_a_notification_leads_to_its_run(browser):
    sign_in(browser, OLIVIA)
    browser.click_and_wait_for_new_page(browser.find(".site-nav a[href='/notifications']"))
    assert browser.arrived("notifications") == "/notifications"
    link = browser.find(".notification a[href^='/operations/']")
    run_id = link.get_attribute("href").rsplit("/", 1)[1]
    browser.click_and_wait_for_new_page(link)
    assert browser.arrived("notified run") == f"/operations/{run_id}"
    assert browser.find("article[data-run-id]").get_attribute("data-run-id") == run_id


def test_likely_stale_run_says_who_can_finish_it(browser):
    sign_in(browser, OLIVIA)
    open_first_run_from_tile(browser, "likely_stale")
    assert browser.find("article[data-run-id]").get_attribute("data-freshness") == "likely_stale"
    explanation = browser.find("section.lifecycle--stale[data-reason-code]")
    assert explanation.get_attribute("data-reason-code") in {"run.stale_queued", "run.stale_running"}
    # The suite's policy turns scheduled reconciliation off, and the page must not promise healing.
    assert "Scheduled reconciliation is turned off for this type" in explanation.text


def test_an_owner_marks_a_stuck_run_failed_with_a_note(browser):
    sign_in(browser, OLIVIA)
    run_id = open_first_run_from_tile(browser, "likely_stale")
    browser.click_and_wait_for_new_page(browser.find("section.lifecycle--stale a[href$='/resolve']"))
    assert browser.arrived("resolve confirmation") == f"/operations/{run_id}/resolve"
    note = browser.find("textarea[name=note]")
    assert note.get_attribute("required") is not None
    note.send_keys("Its worker host was replaced; checked the <restore> log.\nRe-run tonight.")
    browser.click_and_wait_for_new_page(browser.find("form.resolve__form button[type=submit]"))
    assert browser.arrived("resolved run") == f"/operations/{run_id}"
    assert browser.find("article[data-run-id]").get_attribute("data-freshness") == "reconciled_failed"
    explanation = browser.find("section[data-reason-code='run.resolved_by_operator']")
    assert "Resolved by an operator" in explanation.find_element(By.CSS_SELECTOR, "h2").text
    quoted = explanation.find_element(By.CSS_SELECTOR, ".lifecycle__note blockquote").text
    assert quoted == "Its worker host was replaced; checked the <restore> log.\nRe-run tonight."
    assert "Olivia Hart" in explanation.find_element(By.CSS_SELECTOR, ".lifecycle__note figcaption").text
    assert not browser.find_all("a[href$='/resolve']"), "a finished run offers nothing to resolve"
