"""Celery integration: every publish of a tracked task creates its queued run, the worker starts it (and does
not execute a run that may no longer be executed), `progress()` heartbeats, success completes it, and a failure
(an exception, retries exhausted, a time limit, a lost pool process) is bridged with `queue-failure`.

    from celery import Celery
    from runwatch import Client
    from runwatch.celery import TrackedTask, install, progress, run_headers

    app = Celery("shop", broker="redis://127.0.0.1:6379/0")
    install(app, Client("http://127.0.0.1:8080", token))

    @app.task(base=TrackedTask, runwatch_type="inventory_sync", time_limit=300)
    def sync_inventory(batch):
        for done, item in enumerate(items(batch), 1):
            ...
            progress(processed=done, total=len(batch))

    sync_inventory.apply_async([7], headers=run_headers(tenant_id=1, initiator="ana@acme.example"))

Everything goes through Celery's signals (`before_task_publish`, `task_received`, `task_prerun`, `task_success`,
`task_failure`, `task_retry`); `TrackedTask` marks which tasks are tracked and, through `before_start`, lets the
worker skip a task whose start Runwatch refused (a signal handler cannot). Monitoring never stops the work: when
Runwatch cannot be reached the task is published and executed untracked, with a warning
(`install(..., if_unreachable="fail")` refuses to execute instead).
"""

import logging
import os
import socket
import threading
from collections import OrderedDict

from celery import Task, current_task, signals
from celery.exceptions import (
    Ignore,
    MaxRetriesExceededError,
    SoftTimeLimitExceeded,
    TimeLimitExceeded,
    WorkerLostError,
)

from .client import RunFinished, RunwatchError, StartRefused, Unreachable

HEADER = "runwatch"
"""The message header that carries {"run_id", "tenant_id", "initiator", "context"} from publisher to worker."""

logger = logging.getLogger("runwatch.celery")

_settings = {"client": None, "app": None, "if_unreachable": "run"}

# Runs of the tasks this worker's main process received, by Celery task id: failures that only the main process
# sees (a hard time limit, a pool process that died) are reported from here. Bounded: a task that succeeded in a
# pool process is never removed, so the oldest entries give way.
_received = OrderedDict()
_received_lock = threading.Lock()
_RECEIVED_LIMIT = 10_000


class TrackedTask(Task):
    """Base class of a task whose runs Runwatch tracks: `@app.task(base=TrackedTask, runwatch_type="…")`.

    Optional class-level defaults (a publish's `run_headers` wins): `runwatch_tenant_id` (None: a workspace-level
    run) and `runwatch_initiator`."""

    runwatch_type = None
    runwatch_tenant_id = None
    runwatch_initiator = None

    def before_start(self, task_id, args, kwargs):
        refused = getattr(self.request, "runwatch_refused", None)
        if refused:
            raise Ignore(f"Runwatch refused to start run {run_id_of(self.request)}: {refused}")


def install(app, client, if_unreachable="run"):
    """Connects the signal handlers for `app` (call once, where the app is defined, so both publishers and
    workers run it). `client` is a `runwatch.Client` with a token that may report. `if_unreachable`: "run"
    (default: publish and execute untracked, with a warning) or "fail" (do not execute a task whose run
    could not be started)."""
    if if_unreachable not in ("run", "fail"):
        raise ValueError('if_unreachable must be "run" or "fail"')
    _settings.update(client=client, app=app, if_unreachable=if_unreachable)
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="runwatch.publish")
    signals.task_received.connect(_on_received, weak=False, dispatch_uid="runwatch.received")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="runwatch.prerun")
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="runwatch.success")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="runwatch.failure")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="runwatch.retry")


def run_headers(tenant_id=None, initiator=None, context=None):
    """The `headers=` of an `apply_async` that says whose run this is: the tenant (None: workspace-level), the
    initiator (a member's e-mail) and context values shown on the run page."""
    meta = {}
    if tenant_id is not None:
        meta["tenant_id"] = int(tenant_id)
    if initiator is not None:
        meta["initiator"] = str(initiator)
    if context:
        meta["context"] = dict(context)
    return {HEADER: meta}


def run_id_of(request):
    """The Runwatch run id a task request carries, or None (an untracked task, or Runwatch was unreachable)."""
    meta = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER) or {}
    run_id = meta.get("run_id") if isinstance(meta, dict) else None
    return int(run_id) if run_id is not None else None


def progress(counts=None, **named):
    """Reports the current task's progress (`progress(processed=10, total=50)`); counts are merged into the run's.
    If the run was finished elsewhere (usually: reconciled because the task went quiet) the task stops here:
    `Ignore` is raised and the report is kept on the run as a late report. Unreachable: a warning, and the
    work goes on."""
    task = current_task
    request = getattr(task, "request", None)
    run_id = run_id_of(request) if request is not None else None
    merged = dict(counts or {}, **named)
    if run_id is None or not _is_tracked(task):
        return
    reported = dict(getattr(request, "runwatch_counts", None) or {})
    reported.update(merged)
    request.runwatch_counts = reported
    try:
        _client().heartbeat(run_id, merged)
    except RunFinished as finished:
        logger.warning("run %s was finished elsewhere; stopping task %s: %s", run_id, request.id, finished.message)
        raise Ignore(f"run {run_id} was finished elsewhere") from None
    except Unreachable as unreachable:
        logger.warning("run %s: progress not reported: %s", run_id, unreachable)
    except RunwatchError as error:
        logger.warning("run %s: progress refused: %s", run_id, error)


def failure_kind(exception, request=None, task=None):
    """The queue-failure kind for an exception that ended a task: `timeout` for a time limit (or a pool process
    that died under the task: abandonment), `max_attempts` when retries ran out, `exception` otherwise."""
    if isinstance(exception, (TimeLimitExceeded, SoftTimeLimitExceeded, WorkerLostError)):
        return "timeout"
    if isinstance(exception, MaxRetriesExceededError):
        return "max_attempts"
    if request is not None and task is not None and _retries_exhausted(request, task):
        return "max_attempts"
    return "exception"


# Signal handlers ----------------------------------------------------------------------------------------------


def _on_publish(sender=None, headers=None, **_):
    task = _task_named(sender)
    if headers is None or task is None:
        return
    meta = headers.get(HEADER)
    meta = dict(meta) if isinstance(meta, dict) else {}
    if meta.get("run_id") is not None or int(headers.get("retries") or 0) > 0:
        return  # a retry: the run was created by the first publish and travels in the headers
    context = {"celery_task": task.name, "celery_task_id": headers.get("id")}
    context.update(meta.get("context") or {})
    try:
        run = _client().create_run(
            task.runwatch_type,
            tenant_id=meta.get("tenant_id", task.runwatch_tenant_id),
            initiator=meta.get("initiator", task.runwatch_initiator),
            context=context,
        )
    except Unreachable as unreachable:
        logger.warning("%s[%s] published without a run: %s", task.name, headers.get("id"), unreachable)
        return
    except RunwatchError as error:
        logger.error("%s[%s] published without a run: Runwatch refused it: %s", task.name, headers.get("id"), error)
        return
    meta["run_id"] = run["id"]
    headers[HEADER] = meta


def _on_received(request=None, **_):
    if request is None or _task_named(getattr(request, "name", None)) is None:
        return
    run_id = run_id_of(_RequestHeaders(request))
    if run_id is None:
        return
    with _received_lock:
        _received[request.id] = run_id
        while len(_received) > _RECEIVED_LIMIT:
            _received.popitem(last=False)


def _on_prerun(task=None, **_):
    if not _is_tracked(task):
        return
    request = task.request
    run_id = run_id_of(request)
    if run_id is None:
        return
    worker = {"host": _host(request), "pid": os.getpid(), "name": f"celery {task.name}"[:200]}
    try:
        _client().start(run_id, worker=worker)
    except StartRefused as refused:
        if refused.code == "already_started" and int(request.retries or 0) > 0:
            return  # an earlier attempt of this task started it; the retry carries on with the same run
        logger.warning("run %s: not executing %s[%s]: %s", run_id, task.name, request.id, refused.message)
        request.runwatch_refused = refused.code
    except Unreachable as unreachable:
        if _settings["if_unreachable"] == "fail":
            logger.error("run %s: not executing %s[%s]: %s", run_id, task.name, request.id, unreachable)
            request.runwatch_refused = "unreachable"
        else:
            logger.warning("run %s: executing %s[%s] unreported: %s", run_id, task.name, request.id, unreachable)
    except RunwatchError as error:
        logger.error("run %s: start refused (%s); executing %s[%s] anyway", run_id, error, task.name, request.id)


def _on_success(sender=None, **_):
    if not _is_tracked(sender):
        return
    request = sender.request
    run_id = run_id_of(request)
    if run_id is None or getattr(request, "runwatch_refused", None):
        return
    _report(run_id, lambda client: client.complete(run_id, "succeeded", getattr(request, "runwatch_counts", None)))


def _on_failure(sender=None, task_id=None, exception=None, **_):
    if not _is_tracked(sender):
        return
    request = sender.request
    if getattr(request, "id", None) == task_id:
        run_id, kind = run_id_of(request), failure_kind(exception, request, sender)
    else:  # the worker's main process: a hard time limit or a pool process that died under the task
        with _received_lock:
            run_id = _received.pop(task_id, None)
        kind = failure_kind(exception)
    if run_id is None or getattr(request, "runwatch_refused", None):
        return
    exception_class = f"{type(exception).__module__}.{type(exception).__qualname__}"
    message = _describe(exception)
    _report(run_id, lambda client: client.queue_failure(run_id, kind, exception_class, message))


def _on_retry(sender=None, request=None, **_):
    if not _is_tracked(sender) or request is None:
        return
    run_id = run_id_of(request)
    if run_id is not None:
        _report(run_id, lambda client: client.heartbeat(run_id, getattr(request, "runwatch_counts", None)))


# Helpers ------------------------------------------------------------------------------------------------------


class _RequestHeaders:
    """A worker-side Request seen like a task request: its message headers as attributes."""

    def __init__(self, request):
        headers = getattr(request, "request_dict", None) or {}
        setattr(self, HEADER, headers.get(HEADER))


def _report(run_id, call):
    try:
        call(_client())
    except RunFinished as finished:
        logger.warning("run %s was already finished (kept as a late report): %s", run_id, finished.message)
    except (Unreachable, RunwatchError) as error:
        logger.warning("run %s: report not delivered: %s", run_id, error)


def _describe(exception):
    if isinstance(exception, TimeLimitExceeded):
        return f"Hard time limit ({exception.args[0] if exception.args else '?'}s) exceeded"
    if isinstance(exception, SoftTimeLimitExceeded):
        return "Soft time limit exceeded"
    text = str(exception)
    return text if text else type(exception).__name__


def _retries_exhausted(request, task):
    maximum = getattr(task, "max_retries", None)
    retries = int(getattr(request, "retries", 0) or 0)
    return maximum is not None and retries > 0 and retries >= maximum


def _is_tracked(task):
    return isinstance(task, TrackedTask) and bool(getattr(task, "runwatch_type", None))


def _task_named(name):
    app = _settings["app"]
    if app is None or not name:
        return None
    task = app.tasks.get(name)
    return task if _is_tracked(task) else None


def _client():
    client = _settings["client"]
    if client is None:
        raise RuntimeError("runwatch.celery.install(app, client) was not called")
    return client


def _host(request):
    hostname = getattr(request, "hostname", None) or ""
    return (hostname.split("@", 1)[-1] if "@" in hostname else hostname) or socket.gethostname()
