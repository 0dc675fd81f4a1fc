"""Webhook settings as an owner uses them: from Notifications to /settings/webhooks, a refused URL keeps what was
typed, an added webhook shows its secret once and stays listed. An operator gets neither the link nor the page.

The session's server is shared: each journey only adds a webhook of its own (to the discard port, so nothing
answers), it never removes one."""

import pytest
from selenium.webdriver.common.by import By

from people import OLIVIA, SAM, sign_in

PATH = "/settings/webhooks"
PHONE = (390, 844)


def open_webhooks_from_notifications(browser):
    browser.visit("/notifications", "notifications")
    browser.click_and_wait_for_new_page(browser.find(f"main a[href='{PATH}']"))
    assert browser.arrived("webhooks") == PATH
    assert browser.find("h1").text == "Webhooks"


def tick(browser, event, ticked=True):
    box = browser.find(f".webhook-form input[name=events][value='{event}']")
    if box.is_selected() != ticked:
        box.click()


def ticked_events(browser):
    return {box.get_attribute("value") for box in browser.find_all(".webhook-form input[name=events]:checked")}


def type_url(browser, url):
    field = browser.find("#webhook-url")
    field.clear()
    field.send_keys(url)


def submit(browser, label):
    browser.click_and_wait_for_new_page(browser.find(".webhook-form button[type=submit]"))
    return browser.arrived(label)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_owner_adds_a_webhook_and_sees_its_secret_once(browser, scheme):
    browser.prefer_color_scheme(scheme)
    sign_in(browser, OLIVIA)
    open_webhooks_from_notifications(browser)
    url = f"http://127.0.0.1:9/hook-{scheme}"

    # A URL the browser accepts but Runwatch refuses: the page comes back with the error and the form as typed.
    type_url(browser, "ftp://127.0.0.1/hook")
    tick(browser, "run.reconciled")
    assert submit(browser, "refused URL") == PATH
    assert browser.response_status() == 422
    error = browser.find("#webhook-error")
    assert error.get_attribute("role") == "alert"
    assert error.text == "The URL must start with http:// or https://."
    field = browser.find("#webhook-url")
    assert field.get_attribute("value") == "ftp://127.0.0.1/hook"
    assert field.get_attribute("aria-describedby") == "webhook-error"
    assert ticked_events(browser) == {"run.failed", "run.reconciled"}
    assert not browser.find_all("[data-webhook-secret]")

    # Fixed: added, the secret shown once, the webhook listed.
    type_url(browser, url)
    tick(browser, "run.failed", ticked=False)
    assert submit(browser, "webhook added") == PATH
    assert browser.response_status() == 201
    added = browser.find("[data-webhook-secret]")
    assert url in added.text
    secret = added.find_element(By.CSS_SELECTOR, "code.secret").text
    assert secret.startswith("whsec_") and len(secret) > 20, secret
    assert not browser.find("#webhook-error").text, "no error after a successful add"
    assert browser.find("#webhook-url").get_attribute("value") == "", "the form is empty again"
    listed = listed_webhooks(browser)
    assert listed[url] == "run.reconciled", listed

    # Seen again: listed, but the secret is not.
    browser.visit(PATH, "webhooks again")
    assert browser.response_status() == 200
    assert not browser.find_all("[data-webhook-secret]")
    assert secret not in browser.driver.page_source
    assert listed_webhooks(browser)[url] == "run.reconciled"

    # On a phone the page fits; the tables scroll inside their own frames.
    browser.driver.set_window_size(*PHONE)
    browser.visit(PATH, "webhooks on a phone")
    assert browser.horizontal_overflow() == 0


def listed_webhooks(browser):
    """URL → events as the list shows them."""
    listed = {}
    for row in browser.find_all("tr[data-webhook-id]"):
        cells = row.find_elements(By.CSS_SELECTOR, "td")
        listed[cells[0].text] = cells[1].text
    return listed


def test_an_operator_has_no_webhook_settings(browser):
    sign_in(browser, SAM)
    browser.visit("/notifications", "notifications as Sam")
    assert not browser.find_all(f"a[href='{PATH}']"), "no link for an operator"
    browser.visit(PATH, "webhooks as Sam")
    assert browser.response_status() == 403
    page = browser.find(".error-page")
    assert page.get_attribute("data-status") == "403"
    assert browser.find("h1").text == "Forbidden"
    assert "webhooks.manage" in page.text
    assert not browser.find_all(".webhook-form")
