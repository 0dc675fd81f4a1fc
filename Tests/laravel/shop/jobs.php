<?php

declare(strict_types=1);

// The shop's queued jobs: ordinary Laravel jobs (InteractsWithQueue, Queueable, SerializesModels) that use
// TracksRunwatchRun. Each writes what its body did to a marker file (MARKER_DIR/<marker>), one line per event:
// "<event> <pid> <attempt>", so the suite sees whether and where a body ran.

namespace Shop\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use Runwatch\Laravel\TracksRunwatchRun;

final class Markers
{
    public static function write(string $marker, string $event, int $attempt): void
    {
        $directory = getenv('MARKER_DIR') ?: sys_get_temp_dir();
        file_put_contents("{$directory}/{$marker}", sprintf("%s %d %d\n", $event, getmypid(), $attempt), FILE_APPEND | LOCK_EX);
    }
}

final class TemplateMissingException extends \RuntimeException
{
}

/** Builds a report of `$items` items, reporting progress; succeeds. */
final class BuildReport implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 1;
    public $timeout = 20;

    public function __construct(public string $marker, public int $items, ?int $tenantId = null, array $context = [])
    {
        $this->createRunwatchRun('report.build', tenantId: $tenantId, context: $context);
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        for ($done = 1; $done <= $this->items; $done++) {
            usleep(100_000);
            $this->runwatchProgress(['processed' => $done, 'total' => $this->items]);
        }
        Markers::write($this->marker, 'end', $this->attempts());
    }
}

/** Throws on its only attempt. */
final class ExplodingReport implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 1;
    public $timeout = 20;

    public function __construct(public string $marker)
    {
        $this->createRunwatchRun('report.build', context: ['template' => 'weekly']);
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        throw new TemplateMissingException('the report template is missing');
    }
}

/** Throws on its first attempt, succeeds on the second ($tries = 2). */
final class FlakyReport implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 2;
    public $backoff = 0;
    public $timeout = 20;

    public function __construct(public string $marker)
    {
        $this->createRunwatchRun('report.build');
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        $this->runwatchProgress(['processed' => 1, 'total' => 2], now: true);
        if ($this->attempts() === 1) {
            throw new \RuntimeException('the warehouse API did not answer');
        }
        $this->runwatchProgress(['processed' => 2]);
        Markers::write($this->marker, 'end', $this->attempts());
    }
}

/** Runs for `$seconds`, reporting progress twice a second: past a short $timeout, or until its worker is killed. */
final class Crunch implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 1;
    public $timeout;

    public function __construct(public string $marker, public float $seconds, int $timeout, string $type = 'report.build')
    {
        $this->timeout = $timeout;
        $this->createRunwatchRun($type);
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        $steps = (int) ceil($this->seconds * 4);
        for ($step = 1; $step <= $steps; $step++) {
            usleep(250_000);
            $this->runwatchProgress(['processed' => $step, 'total' => $steps]);
        }
        Markers::write($this->marker, 'end', $this->attempts());
    }
}

/**
 * An import that takes 8 s with a $timeout of 12 s and two tries, dispatched on a connection whose retry_after
 * is 3 s: the timing rule broken. `$tracked` false dispatches it without a run.
 */
final class SlowImport implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 2;
    public $timeout = 12;

    public function __construct(public string $marker, bool $tracked)
    {
        if ($tracked) {
            $this->createRunwatchRun('catalog.import');
        }
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        for ($step = 1; $step <= 16; $step++) {
            usleep(500_000);
            $this->runwatchProgress(['processed' => $step, 'total' => 16]);
        }
        Markers::write($this->marker, 'end', $this->attempts());
    }
}

/** Drives a restore record r-…: the run is linked to it and reports progress until the record's fate is known. */
final class ExecuteRestore implements ShouldQueue
{
    use InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;

    public $tries = 1;
    public $timeout = 20;

    public function __construct(public string $marker, public string $restoreId, int $tenantId)
    {
        $this->createRunwatchRun('restore.execute', tenantId: $tenantId, linkedRecord: ['kind' => 'restore', 'id' => $restoreId, 'status' => 'queued']);
    }

    public function handle(): void
    {
        Markers::write($this->marker, 'start', $this->attempts());
        for ($step = 1; $step <= 80; $step++) {
            usleep(250_000);
            $this->runwatchProgress(['items_restored' => $step]);
        }
        Markers::write($this->marker, 'end', $this->attempts());
    }
}
