"""Signing in and out as a person does: a wrong password first, then the right one; sign-out ends the session."""

from people import OLIVIA, fill_sign_in_form, sign_out


def test_wrong_password_then_right_then_sign_out(browser):
    browser.visit("/operations", "signed out")
    assert browser.path == "/login?next=/operations", "a signed-out visit is sent to sign in first"

    fill_sign_in_form(browser, OLIVIA.email, "not-her-password")
    browser.arrived("wrong password")
    error = browser.visible("#login-error.alert--error")
    assert "do not match an account" in error.text
    assert browser.find("#login-email").get_attribute("value") == OLIVIA.email, "the email is kept"
    assert browser.find("#login-password").get_attribute("value") == "", "the password is not"

    fill_sign_in_form(browser, OLIVIA.email, OLIVIA.password)
    assert browser.arrived("signed in") == "/operations", "signing in returns to the page asked for"
    assert "Signed in as Olivia" in browser.find(".site-user").text

    sign_out(browser)
    browser.visit("/operations", "after sign-out")
    assert browser.path.startswith("/login"), "the old session no longer opens pages"
