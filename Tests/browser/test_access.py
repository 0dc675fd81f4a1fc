"""Authorization as people meet it: another tenant's run is "not found" (the same page as a run that does not
exist), and a run whose type needs a capability the role lacks is "forbidden", naming the capability."""

from people import OLIVIA, RITA, SAM, sign_in, sign_out

FABRIKAM_HEALTH = 2
MISSING_RUN = 987654321


def first_run_id(browser, query, label):
    """As a signed-in person: the newest run the index lists for `query`."""
    browser.visit(f"/operations?{query}", label)
    rows = browser.run_rows()
    assert rows, f"the seed has runs for {query}"
    return rows[0][0]


def test_another_tenants_run_is_not_found(browser):
    sign_in(browser, OLIVIA)
    fabrikam_run = first_run_id(browser, f"tenant={FABRIKAM_HEALTH}", "a Fabrikam run")
    sign_out(browser)

    sign_in(browser, SAM)
    tenants = {cell.text for cell in browser.find_all("tr[data-run-id] td:nth-of-type(1)")}
    assert "Contoso Retail" in tenants and tenants <= {"Contoso Retail", "Workspace-level"}, (
        f"Sam's index lists only his tenant and workspace-level runs: {tenants}"
    )

    browser.visit(f"/operations/{fabrikam_run}", "Fabrikam run as Sam")
    assert browser.find(".error-page").get_attribute("data-status") == "404"
    assert browser.find("h1").text == "Not found"
    hidden = browser.driver.page_source

    browser.visit(f"/operations/{MISSING_RUN}", "missing run")
    assert browser.find(".error-page").get_attribute("data-status") == "404"
    assert browser.driver.page_source == hidden, "a hidden run and a missing run look exactly the same"


def test_a_restore_is_forbidden_without_restore_view(browser):
    sign_in(browser, OLIVIA)
    restore_run = first_run_id(browser, "type=restore.execute", "a restore run")
    sign_out(browser)

    sign_in(browser, RITA)
    browser.visit(f"/operations/{restore_run}", "restore as Rita")
    assert browser.find(".error-page").get_attribute("data-status") == "403"
    assert browser.find("h1").text == "Forbidden"
    assert "restore.view" in browser.find(".error-page").text
