"""Insights as an operator uses it: figures per type, a chart with its table, numbers that open the runs they
count, another period, and the dark scheme (axe-core runs on every page)."""

import re

from selenium.webdriver.support.ui import Select

from people import OLIVIA, sign_in


def figure(section, label):
    """(number, href) of the figure labelled `label` in a type's section."""
    for item in section.find_elements("css selector", ".insight__figures li"):
        if item.find_element("css selector", ".insight__label").text == label:
            link = item.find_element("css selector", ".insight__value a")
            return int(link.text.replace(",", "")), link
    raise AssertionError(f"no figure {label!r}")


def test_insights_numbers_open_the_runs_they_count(browser, readme_screenshots):
    sign_in(browser, OLIVIA)
    browser.visit("/insights", "insights")
    sections = browser.find_all("section.insight")
    assert sections, "the seed finishes runs of several types"
    with_reconciled = [s for s in sections if figure(s, "Reconciled")[0] > 0]
    assert with_reconciled, "the seed reconciles runs"
    section = with_reconciled[0]
    chart = section.find_element("css selector", "svg.chart")
    assert chart.get_attribute("role") == "img"
    assert section.find_elements("css selector", "svg.chart rect"), "bars are drawn"
    # The table equivalent opens and has one row per hour.
    section.find_element("css selector", ".insight__table summary").click()
    rows = section.find_elements("css selector", ".insight__table tbody tr")
    assert len(rows) == 24
    browser.check_accessibility("insights with a table open")
    if readme_screenshots:
        browser.save_screenshot_through(readme_screenshots / "insights.png", chart, margin=60)
    count, link = figure(section, "Reconciled")
    browser.click_and_wait_for_new_page(link)
    path = browser.arrived("reconciled runs from insights")
    assert "freshness=reconciled_failed" in path and "reconciled_since=" in path
    listed = browser.run_rows()
    assert {freshness for _, freshness in listed} == {"reconciled_failed"}
    if count <= 50:
        assert len(listed) == count, f"the figure said {count}, the list shows {len(listed)}"
    assert "Reconciled since" in browser.find(".filters").text


def test_insights_for_another_period_and_in_the_dark(browser):
    browser.prefer_color_scheme("dark")
    sign_in(browser, OLIVIA)
    browser.visit("/insights", "insights dark")
    Select(browser.find("#filter-range")).select_by_visible_text("Last 7 days")
    browser.click_and_wait_for_new_page(browser.find(".filters button[type=submit]"))
    path = browser.arrived("insights last 7 days")
    assert re.search(r"range=7d", path)
    section = browser.find_all("section.insight")[0]
    section.find_element("css selector", ".insight__table summary").click()
    assert len(section.find_elements("css selector", ".insight__table tbody tr")) == 7
    browser.check_accessibility("insights last 7 days, table open, dark")
    assert Select(browser.find("#filter-range")).first_selected_option.text == "Last 7 days"
