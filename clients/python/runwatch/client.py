"""The worker API client: one method per endpoint of /api/v1, errors as exceptions."""

import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request


class RunwatchError(Exception):
    """An answer other than success: the HTTP status and the API's {"error": {code, message, field}}."""

    def __init__(self, status, code, message, field=None):
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class RunConflict(RunwatchError):
    """409: the run's current state refuses this report (see the subclasses). The report is kept."""


class StartRefused(RunConflict):
    """409 on start: the run may not be executed (already finished, already started, tenant archived).
    Do not do the work."""


class RunFinished(RunConflict):
    """409 already_terminal: the run was finished elsewhere (often: reconciled after the worker went quiet).
    Stop; your report was kept as a late report."""


class Unreachable(Exception):
    """Runwatch did not answer at all (connection refused, DNS, timeout)."""


class Client:
    """A worker token's view of the API at `base_url` (`http://127.0.0.1:8080`; `/api/v1` is added)."""

    def __init__(self, base_url, token, timeout=30.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # Runs ---------------------------------------------------------------------------------------------------

    def create_run(self, type, tenant_id=None, initiator=None, context=None):
        """Creates a queued run in the token's workspace (tenant_id None: a workspace-level run)."""
        return self._call("POST", "/runs", {
            "type": type, "tenant_id": tenant_id, "initiator": initiator, "context": context or {},
        })

    def get_run(self, run_id):
        """The run object."""
        return self._call("GET", f"/runs/{int(run_id)}")

    def list_runs(self, **filters):
        """A page of runs, newest first ({"runs": […], "next": cursor}): filters freshness, status, outcome, type,
        tenant, limit, and after (the previous page's next)."""
        query = urllib.parse.urlencode({name: value for name, value in filters.items() if value is not None})
        return self._call("GET", "/runs" + (f"?{query}" if query else ""))

    def start(self, run_id, worker=None):
        """Marks the run running, saying which worker starts it (by default this host and process).
        Raises StartRefused when the work must not be done."""
        return self._call("POST", f"/runs/{int(run_id)}/start", {"worker": worker or self.worker()},
                          conflict=StartRefused)

    def heartbeat(self, run_id, counts=None):
        """Progress: counts are merged into the stored ones. Raises RunFinished when the run was finished
        elsewhere: stop the work."""
        return self._call("POST", f"/runs/{int(run_id)}/heartbeat", {"summary_counts": counts or {}})

    def complete(self, run_id, outcome, counts=None, failures=None):
        """The final word: outcome is succeeded, partially_succeeded, blocked, failed or cancelled; failures are
        {"code", "message"} pairs."""
        return self._call("POST", f"/runs/{int(run_id)}/complete", {
            "outcome": outcome, "summary_counts": counts or {}, "failures": failures or [],
        })

    def queue_failure(self, run_id, kind, exception_class=None, message=None):
        """The queue's failure callback: kind is max_attempts, timeout or exception."""
        return self._call("POST", f"/runs/{int(run_id)}/queue-failure", {
            "kind": kind, "exception_class": exception_class, "message": message,
        })

    @staticmethod
    def worker(name=None):
        """This process as a worker: host, pid and a name (the program by default)."""
        return {"host": socket.gethostname(), "pid": os.getpid(),
                "name": (name or " ".join(sys.argv[:1]) or "python")[:200]}

    # Transport ----------------------------------------------------------------------------------------------

    def _call(self, method, path, body=None, conflict=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + "/api/v1" + path, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise self._error(error, conflict) from None
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(f"cannot reach {self.base_url}: {getattr(error, 'reason', error)}") from None

    @staticmethod
    def _error(error, conflict):
        try:
            detail = json.load(error).get("error", {})
        except (ValueError, AttributeError):
            detail = {}
        code = detail.get("code", "unknown")
        message = detail.get("message", error.reason)
        if error.code == 409:
            kind = conflict or (RunFinished if code == "already_terminal" else RunConflict)
            return kind(error.code, code, message, detail.get("field"))
        return RunwatchError(error.code, code, message, detail.get("field"))
