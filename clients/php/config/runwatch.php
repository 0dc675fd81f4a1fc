<?php

// Runwatch for Laravel (`php artisan vendor:publish --tag=runwatch-config` copies this to config/runwatch.php).

return [
    // The Runwatch server, e.g. http://runwatch.internal:8080 (without /api/v1). Empty: jobs run untracked.
    'url' => env('RUNWATCH_URL'),

    // A worker token of the workspace (`runwatch token create --workspace … --name laravel`), not a read-only one.
    'token' => env('RUNWATCH_TOKEN'),

    // Seconds to wait for a connection, and for a whole request. A job never waits longer than this for
    // monitoring: when Runwatch does not answer in time it is dispatched and executed untracked, with a warning.
    'connect_timeout' => (float) env('RUNWATCH_CONNECT_TIMEOUT', 3),
    'timeout' => (float) env('RUNWATCH_TIMEOUT', 10),

    // runwatchProgress() sends at most one heartbeat per this many seconds.
    'heartbeat_interval' => (float) env('RUNWATCH_HEARTBEAT_INTERVAL', 1),
];
