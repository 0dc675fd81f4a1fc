"""Headless Debian Chromium driven by Selenium, with an axe-core check and a screenshot of every page visited."""

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1366, 900)
BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT = 20  # seconds any wait may take: generous for a loaded CI machine, never spent when all is well


def start_chromium():
    """Headless Chromium with explicit binary and driver paths, so Selenium Manager never downloads anything."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=en-US"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class AccessibilityError(AssertionError):
    """axe-core found serious or critical violations on a page."""


def describe_violations(page, violations):
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {page}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node.get('failureSummary', '').strip()}")
            lines.append(f"    html: {node['html'][:200]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


class Browser:
    """One signed-out browser against one server. `visit`/`arrived` check every page: axe plus a screenshot."""

    def __init__(self, driver, base_url, screenshots, name):
        self.driver = driver
        self.base_url = base_url
        self.screenshots = Path(screenshots)
        self.name = name
        self.pages = 0
        self.wait = WebDriverWait(driver, TIMEOUT)
        self.axe = Axe(driver)

    # Navigation

    def visit(self, path, label):
        """Types a URL into the address bar, as a person pasting a link would, then checks the page."""
        self.driver.get(self.base_url + path)
        return self.arrived(label)

    def arrived(self, label):
        """Waits until the page has loaded, runs axe-core and saves a screenshot; returns the page's path."""
        self.wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")
        self.screenshot(label)
        self.check_accessibility(label)
        return self.path

    @property
    def path(self):
        parts = urlsplit(self.driver.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def click_and_wait_for_new_page(self, element):
        """Clicks `element` and waits until a new document has loaded (the click navigated).

        The old document is marked with a fresh token; a new one lacks it. (Selenium's `staleness_of` races
        with navigation in chromedriver: "Node with given id does not belong to the document".) Script errors
        while the page is swapped are expected and retried.
        """
        token = uuid.uuid4().hex
        self.driver.execute_script("window.runwatchBrowserTestPage = arguments[0]", token)
        element.click()
        WebDriverWait(self.driver, TIMEOUT, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script(
                "return window.runwatchBrowserTestPage !== arguments[0] && document.readyState === 'complete'",
                token,
            )
        )

    def prefer_color_scheme(self, scheme):
        """Emulates the reader's `prefers-color-scheme` ("light" or "dark") for this tab, across navigations."""
        self.driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
        )

    # Checks on every page

    def screenshot(self, label):
        self.pages += 1
        self.screenshots.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        file = self.screenshots / f"{self.name}-{self.pages:02d}-{slug}.png"
        self.driver.save_screenshot(str(file))
        return file

    def check_accessibility(self, label):
        self.axe.inject()
        results = self.axe.run()
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            raise AccessibilityError(describe_violations(f"{label} ({self.path})", blocking))

    # Reading the page

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css):
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def horizontal_overflow(self):
        """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def response_status(self):
        """The HTTP status of the document on screen (Navigation Timing's responseStatus)."""
        return self.driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")

    def run_rows(self):
        """(run id, freshness) of every run row on the page, in order."""
        return [
            (int(row.get_attribute("data-run-id")), row.get_attribute("data-freshness"))
            for row in self.find_all("tr[data-run-id]")
        ]

    def save_screenshot_through(self, file, element, margin=24, width=WINDOW[0]):
        """Saves the page from its top down to just below `element`, `width` CSS pixels wide (the usual width
        unless told), for documentation; the window gets its size back afterwards."""
        self.driver.execute_script("window.scrollTo(0, 0)")
        bottom = self.driver.execute_script(
            "return arguments[0].getBoundingClientRect().bottom + window.scrollY", element
        )
        chrome = self.driver.execute_script("return window.outerHeight - window.innerHeight")
        size = self.driver.get_window_size()
        self.driver.set_window_size(width, int(bottom) + margin + chrome)
        try:
            Path(file).parent.mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(file))
        finally:
            self.driver.set_window_size(size["width"], size["height"])
        return file
