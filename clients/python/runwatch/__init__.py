"""Client for the Runwatch worker API (standard library only).

    from runwatch import Client, StartRefused, RunFinished

    client = Client("http://127.0.0.1:8080", token)
    run = client.create_run("inventory_sync", tenant_id=1)
    try:
        client.start(run["id"])             # StartRefused: do not do the work
    except StartRefused:
        raise SystemExit(0)
"""

from .client import (
    Client,
    RunFinished,
    RunConflict,
    RunwatchError,
    StartRefused,
    Unreachable,
)

__all__ = ["Client", "RunConflict", "RunFinished", "RunwatchError", "StartRefused", "Unreachable"]
