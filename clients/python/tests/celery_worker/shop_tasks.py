"""The Celery app the real-worker suite runs: a few tasks tracked by Runwatch, configured from the environment
(CELERY_BROKER_URL, RUNWATCH_URL, RUNWATCH_TOKEN, MARKER_DIR)."""

import os
import sys
import time

from celery import Celery

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from runwatch import Client  # noqa: E402
from runwatch.celery import TrackedTask, install, progress  # noqa: E402

app = Celery("shop", broker=os.environ["CELERY_BROKER_URL"])
app.conf.update(
    broker_transport_options={"visibility_timeout": int(os.environ.get("VISIBILITY_TIMEOUT", "30"))},
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
install(app, Client(os.environ["RUNWATCH_URL"], os.environ["RUNWATCH_TOKEN"], timeout=10))


def _mark(name):
    """Leaves a file behind so the suite can tell the task body ran."""
    with open(os.path.join(os.environ["MARKER_DIR"], name), "a") as marker:
        marker.write(f"{os.getpid()}\n")


@app.task(base=TrackedTask, runwatch_type="report.build")
def build_report(items, marker=None):
    if marker:
        _mark(marker)
    for done in range(1, items + 1):
        time.sleep(0.05)
        progress(processed=done, total=items)
    return items


@app.task(base=TrackedTask, runwatch_type="report.build")
def explode():
    raise ValueError("the report template is missing")


@app.task(base=TrackedTask, runwatch_type="report.build", autoretry_for=(ConnectionError,), max_retries=2,
          default_retry_delay=0)
def flaky(marker):
    _mark(marker)
    raise ConnectionError("the warehouse API refused the connection")


@app.task(base=TrackedTask, runwatch_type="report.build", time_limit=2)
def hang():
    progress(processed=0, total=1)
    time.sleep(60)


@app.task(base=TrackedTask, runwatch_type="report.build")
def crunch(marker):
    """Reports progress twice a second for a minute: long enough to be killed in the middle."""
    _mark(marker)
    for done in range(120):
        progress(processed=done, total=120)
        time.sleep(0.5)
