"""The demo's people (README "Demo sign-ins") and what a person does with the sign-in and sign-out forms."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    email: str
    password: str


OLIVIA = Person("olivia@northwind.example", "demo-owner")  # Northwind owner: every tenant and capability
SAM = Person("sam@northwind.example", "demo-single-tenant")  # Northwind operator for Contoso Retail only
RITA = Person("rita@northwind.example", "demo-readonly")  # Northwind readonly: no restore.view

CONTOSO_RETAIL = 1  # the one tenant Sam is granted


def fill_sign_in_form(browser, email, password):
    """Types into the sign-in form like a person: clears the email only if it differs, then submits."""
    email_field = browser.find("#login-email")
    if email_field.get_attribute("value") != email:
        email_field.clear()
        email_field.send_keys(email)
    password_field = browser.find("#login-password")
    password_field.clear()
    password_field.send_keys(password)
    browser.click_and_wait_for_new_page(browser.find(".login__form button[type=submit]"))


def sign_in(browser, person):
    """Opens /operations signed out, lands on the sign-in page, signs in and ends up back on /operations."""
    browser.visit("/operations", "sign-in")
    assert browser.path.startswith("/login"), browser.path
    fill_sign_in_form(browser, person.email, person.password)
    assert browser.arrived("operations") == "/operations"


def sign_out(browser):
    """Submits the header's sign-out form and lands on the sign-in page."""
    browser.click_and_wait_for_new_page(browser.find("form[action='/logout'] button[type=submit]"))
    assert browser.arrived("signed out").startswith("/login"), browser.path
    assert browser.find("h1").text == "Sign in to Runwatch"
