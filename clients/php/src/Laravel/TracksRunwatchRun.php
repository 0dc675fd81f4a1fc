<?php

declare(strict_types=1);

namespace Runwatch\Laravel;

use Runwatch\RunConflictException;
use Runwatch\RunFinishedException;
use Runwatch\RunwatchException;
use Runwatch\UnreachableException;

/**
 * A queued job whose runs Runwatch tracks.
 *
 *     final class SyncInventory implements ShouldQueue
 *     {
 *         use Dispatchable, InteractsWithQueue, Queueable, SerializesModels, TracksRunwatchRun;
 *
 *         public $timeout = 300;   // the policy's job_timeout_seconds; < retry_after - safety margin
 *         public $tries = 1;
 *
 *         public function __construct(public int $tenantId)
 *         {
 *             $this->createRunwatchRun('inventory_sync', tenantId: $tenantId);   // the queued run, at dispatch
 *         }
 *
 *         public function handle(): void
 *         {
 *             foreach ($batches as $done => $batch) {
 *                 …
 *                 $this->runwatchProgress(['processed' => $done + 1, 'total' => count($batches)]);
 *             }
 *         }
 *     }
 *
 * The run id is a public property, so it travels in the job's payload. The trait's middleware() gives the job
 * RunwatchMiddleware (start-or-skip, completion); its failed() bridges Laravel's failure callback to
 * `queue-failure`. A job that defines its own middleware() must list `new RunwatchMiddleware()` first; one that
 * defines its own failed() must call `$this->reportRunwatchFailure($exception)`.
 */
trait TracksRunwatchRun
{
    /** The Runwatch run of this job (serialized with it); null when it is not tracked. */
    public ?int $runwatchRunId = null;

    /** The counts reported so far in this attempt; they go out with the completion. */
    public array $runwatchCounts = [];

    /** When runwatchProgress() last sent a heartbeat (hrtime seconds of this process). */
    private float $runwatchHeartbeatAt = 0.0;

    /**
     * Creates the run, queued, and keeps its id on the job: call it from the constructor, where the job is
     * dispatched. When Runwatch cannot be reached (or refuses the run) the job stays untracked, with a warning:
     * dispatching never fails because of monitoring.
     *
     * @param array       $context      Values shown on the run page (`laravel_job` is added).
     * @param array|null  $linkedRecord ['kind' => 'restore', 'id' => 'r-42'] (see Client::updateLinkedRecord()).
     * @return int|null The run id, or null (untracked).
     */
    protected function createRunwatchRun(
        string $type,
        ?int $tenantId = null,
        ?string $initiator = null,
        array $context = [],
        ?array $linkedRecord = null,
    ): ?int {
        $client = Runwatch::client();
        if ($client === null) {
            Runwatch::warning('Runwatch is not configured; dispatching untracked', ['job' => static::class]);
            return null;
        }
        try {
            $run = $client->createRun($type, $tenantId, $initiator, ['laravel_job' => static::class] + $context, $linkedRecord);
            $this->runwatchRunId = (int) $run['id'];
        } catch (UnreachableException $unreachable) {
            Runwatch::warning('dispatching untracked: ' . $unreachable->getMessage(), ['job' => static::class]);
        } catch (RunwatchException $refused) {
            Runwatch::error('dispatching untracked: Runwatch refused the run: ' . $refused->getMessage(), ['job' => static::class]);
        } catch (\InvalidArgumentException $unencodable) {
            Runwatch::error('dispatching untracked: ' . $unencodable->getMessage(), ['job' => static::class]);
        }
        return $this->runwatchRunId;
    }

    /**
     * Reports progress: counts (name => whole number) are merged into the run's and move its heartbeat deadline.
     * At most one heartbeat per Runwatch::heartbeatInterval() seconds is sent (`$now`: send this one anyway); the
     * latest counts always go out with the completion.
     *
     * When the run was finished elsewhere (usually: reconciled because the job went quiet) this throws
     * RunFinishedException and RunwatchMiddleware stops the job cleanly: it is deleted from the queue, neither
     * retried nor failed. Unreachable: a warning, and the work goes on.
     *
     * @throws RunFinishedException
     */
    public function runwatchProgress(array $counts, bool $now = false): void
    {
        $this->runwatchCounts = array_replace($this->runwatchCounts, $counts);
        $runId = $this->runwatchRunId;
        $clock = hrtime(true) / 1e9;
        if ($runId === null || (!$now && $this->runwatchHeartbeatAt > 0.0 && $clock - $this->runwatchHeartbeatAt < Runwatch::heartbeatInterval())) {
            return;
        }
        $this->runwatchHeartbeatAt = $clock;
        if (!Runwatch::isTracking($runId)) {
            if (!Runwatch::isExecuting($runId)) {
                Runwatch::warning('progress not reported: the run was not started; list new RunwatchMiddleware() in the job\'s middleware()', ['run' => $runId, 'job' => static::class]);
            }
            return;
        }
        $client = Runwatch::client();
        if ($client === null) {
            return;
        }
        try {
            $client->heartbeat($runId, $this->runwatchCounts);
        } catch (RunFinishedException $finished) {
            Runwatch::warning('the run was finished elsewhere; stopping the job', ['run' => $runId, 'job' => static::class, 'reason' => $finished->apiMessage]);
            throw $finished;
        } catch (UnreachableException $unreachable) {
            Runwatch::warning('progress not reported: ' . $unreachable->getMessage(), ['run' => $runId]);
        } catch (RunwatchException $refused) {
            Runwatch::warning('progress refused: ' . $refused->getMessage(), ['run' => $runId]);
        }
    }

    /** Laravel's job middleware: RunwatchMiddleware starts, skips and completes the run. */
    public function middleware(): array
    {
        return [new RunwatchMiddleware()];
    }

    /** Laravel's queue failure callback: bridged to `queue-failure` (see reportRunwatchFailure()). */
    public function failed(?\Throwable $exception = null): void
    {
        $this->reportRunwatchFailure($exception);
    }

    /**
     * Reports the failure Laravel hands to failed(): the kind (Runwatch::failureKind(): timeout, max_attempts or
     * exception), the exception's class and message. The run is completed as failed at once; a run that was
     * already finished keeps the report as a late report.
     */
    public function reportRunwatchFailure(?\Throwable $exception): void
    {
        $runId = $this->runwatchRunId;
        $client = Runwatch::client();
        if ($runId === null || $client === null) {
            return;
        }
        $kind = Runwatch::failureKind($exception, $runId);
        $class = $exception === null ? null : get_class($exception);
        $message = $exception === null
            ? 'The job was failed without an exception.'
            : ($exception->getMessage() !== '' ? $exception->getMessage() : get_class($exception));
        try {
            $client->queueFailure($runId, $kind, $class, $message);
        } catch (RunFinishedException $finished) {
            Runwatch::warning('the run was already finished (the failure is kept as a late report)', ['run' => $runId, 'kind' => $kind]);
        } catch (RunConflictException $conflict) {
            Runwatch::warning('queue failure not applied: ' . $conflict->getMessage(), ['run' => $runId, 'kind' => $kind]);
        } catch (UnreachableException $unreachable) {
            Runwatch::warning('queue failure not reported: ' . $unreachable->getMessage(), ['run' => $runId, 'kind' => $kind]);
        } catch (RunwatchException $refused) {
            Runwatch::error('queue failure refused: ' . $refused->getMessage(), ['run' => $runId, 'kind' => $kind]);
        }
    }
}
