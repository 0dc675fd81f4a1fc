<?php

declare(strict_types=1);

namespace Runwatch\Laravel;

use Runwatch\Client;

/**
 * The one configuration point of the Laravel integration, and this process's record of the tracked jobs it is
 * executing right now.
 *
 * Laravel: RunwatchServiceProvider calls configure() from config/runwatch.php. Plain illuminate/queue (Capsule):
 *
 *     Runwatch::configure(new Client('http://127.0.0.1:8080', getenv('RUNWATCH_TOKEN')));
 *     Runwatch::configure(fn () => new Client(…), $psrLogger);   // built on first use
 *
 * Without configure() (or with null) tracked jobs are dispatched and executed untracked, with a warning.
 */
final class Runwatch
{
    private static ?Client $client = null;

    /** @var (callable(): ?Client)|null */
    private static $resolver = null;

    private static ?object $logger = null;

    private static float $heartbeatInterval = 1.0;

    /** @var array<int, bool> Runs whose job body this process is executing => whether it reports on them. */
    private static array $executing = [];

    /**
     * @param Client|callable|null $client            The client, or a callable returning it (resolved once, on first use).
     * @param object|null          $logger            A PSR-3 logger (anything with warning() and error()); null: error_log().
     * @param float                $heartbeatInterval runwatchProgress() sends at most one heartbeat per this many seconds
     *                                                (the latest counts always go out with the completion).
     */
    public static function configure(Client|callable|null $client, ?object $logger = null, float $heartbeatInterval = 1.0): void
    {
        self::$client = $client instanceof Client ? $client : null;
        self::$resolver = is_callable($client) ? $client : null;
        self::$logger = $logger;
        self::$heartbeatInterval = max(0.0, $heartbeatInterval);
    }

    /** The configured client, or null when Runwatch is not configured. */
    public static function client(): ?Client
    {
        if (self::$client === null && self::$resolver !== null) {
            $resolved = (self::$resolver)();
            self::$client = $resolved instanceof Client ? $resolved : null;
            self::$resolver = null;
        }
        return self::$client;
    }

    /** Seconds between two heartbeats of runwatchProgress(). */
    public static function heartbeatInterval(): float
    {
        return self::$heartbeatInterval;
    }

    /** @internal Logs a warning (monitoring trouble that does not stop the work). */
    public static function warning(string $message, array $context = []): void
    {
        self::log('warning', $message, $context);
    }

    /** @internal Logs an error (a report Runwatch refused for a reason other than the run's state). */
    public static function error(string $message, array $context = []): void
    {
        self::log('error', $message, $context);
    }

    /**
     * The `queue-failure` kind for the exception Laravel hands to a tracked job's failed():
     *
     * - `Illuminate\Queue\TimeoutExceededException` (Laravel 9 and later: the worker's timeout) → `timeout`;
     * - `Illuminate\Queue\MaxAttemptsExceededException` while this process is executing the run's job body →
     *   `timeout`. Laravel 8's worker has no TimeoutExceededException: when a job runs past its timeout, the
     *   worker's SIGALRM handler interrupts the body, fails the job with a MaxAttemptsExceededException ("… has
     *   been attempted too many times or run too long") and kills the process. That handler is the only place
     *   Laravel 8 fails a job with this exception while its body runs: the real max-attempts check happens before
     *   the job is fired, and an exception the job throws reaches failed() as itself, after the body ended;
     * - any other MaxAttemptsExceededException (checked before the job is fired: earlier attempts died or timed
     *   out without failing it) → `max_attempts`;
     * - anything else → `exception`.
     */
    public static function failureKind(?\Throwable $exception, ?int $runId = null): string
    {
        if ($exception === null) {
            return 'exception';
        }
        if (is_a($exception, 'Illuminate\Queue\TimeoutExceededException')) {
            return 'timeout';
        }
        if (is_a($exception, 'Illuminate\Queue\MaxAttemptsExceededException')) {
            return $runId !== null && self::isExecuting($runId) ? 'timeout' : 'max_attempts';
        }
        return 'exception';
    }

    /** @internal RunwatchMiddleware: this process begins executing the run's job body (reporting on it or not). */
    public static function enter(int $runId, bool $tracked): void
    {
        self::$executing[$runId] = $tracked;
    }

    /** @internal RunwatchMiddleware: the job body returned or threw. */
    public static function leave(int $runId): void
    {
        unset(self::$executing[$runId]);
    }

    /** Whether this process is executing the job body of the run, and reports on it (its start was accepted). */
    public static function isTracking(int $runId): bool
    {
        return (self::$executing[$runId] ?? false) === true;
    }

    /** Whether this process is executing the job body of the run (reported or not). */
    public static function isExecuting(int $runId): bool
    {
        return isset(self::$executing[$runId]);
    }

    private static function log(string $level, string $message, array $context): void
    {
        if (self::$logger !== null && method_exists(self::$logger, $level)) {
            self::$logger->{$level}($message, $context);
            return;
        }
        $details = $context === [] ? '' : ' ' . json_encode($context, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
        error_log("runwatch {$level}: {$message}{$details}");
    }
}
