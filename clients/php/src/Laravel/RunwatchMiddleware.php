<?php

declare(strict_types=1);

namespace Runwatch\Laravel;

use Runwatch\Client;
use Runwatch\RunFinishedException;
use Runwatch\RunwatchException;
use Runwatch\StartRefusedException;
use Runwatch\UnreachableException;

/**
 * Job middleware of a TracksRunwatchRun job: start-or-skip before the job body, completion after it.
 *
 * - Start: the run is started with this worker's identity (host, pid, `laravel-queue connection:queue Job`). A
 *   refused start (409: already finished — cancelled, reconciled —, already started by another worker, tenant
 *   archived) means the job must not run: it is deleted from the queue, neither executed nor failed.
 * - A retry (attempt > 1) whose previous attempt ended released back to the queue (an exception with tries
 *   left, or $this->release()) carries on with the same run; each release is recorded in the run's counts as
 *   `released_attempts`. Any other second delivery — the queue handing a job that is still running to another
 *   worker because it was reserved longer than `retry_after` — tries to start the run again and is refused
 *   `already_started`, so the body never runs twice.
 * - Success completes the run as `succeeded` with the counts of runwatchProgress(). A release records it; a
 *   failure is left to failed(). RunFinishedException from runwatchProgress() stops the job cleanly (deleted).
 * - Runwatch unreachable (or refusing the start for another reason): the job runs untracked, with a warning.
 */
final class RunwatchMiddleware
{
    /** The count recording how many attempts of the run ended released back to the queue. */
    public const RELEASED_ATTEMPTS = 'released_attempts';

    public function handle(object $command, callable $next): mixed
    {
        $runId = $command->runwatchRunId ?? null;
        if (!is_int($runId)) {
            return $next($command);
        }
        $client = Runwatch::client();
        if ($client === null) {
            Runwatch::warning('Runwatch is not configured; executing untracked', ['run' => $runId, 'job' => get_class($command)]);
            return $next($command);
        }
        $queueJob = $this->queueJob($command);
        $attempt = $queueJob === null ? 1 : max(1, (int) $queueJob->attempts());

        $tracked = $this->begin($client, $command, $runId, $queueJob, $attempt);
        if ($tracked === null) {
            $queueJob?->delete();
            return null;
        }

        Runwatch::enter($runId, $tracked);
        try {
            $result = $next($command);
        } catch (RunFinishedException $finished) {
            if (!$tracked || (int) ($finished->run['id'] ?? 0) !== $runId) {
                throw $finished;
            }
            $queueJob?->delete();  // runwatchProgress() logged why
            return null;
        } catch (\Throwable $exception) {
            if ($tracked && $queueJob !== null && $this->mayBeRetried($queueJob, $attempt)) {
                $this->recordRelease($client, $runId, $attempt);
            }
            throw $exception;
        } finally {
            Runwatch::leave($runId);
        }

        if (!$tracked || $queueJob?->hasFailed()) {
            return $result;  // untracked, or $this->fail(): failed() reported it
        }
        if ($queueJob?->isReleased()) {
            $this->recordRelease($client, $runId, $attempt);
            return $result;
        }
        try {
            $client->complete($runId, 'succeeded', $command->runwatchCounts ?? []);
        } catch (RunFinishedException $finished) {
            Runwatch::warning('the run was already finished (the completion is kept as a late report)', ['run' => $runId]);
        } catch (UnreachableException $unreachable) {
            Runwatch::warning('completion not reported: ' . $unreachable->getMessage(), ['run' => $runId]);
        } catch (RunwatchException $refused) {
            Runwatch::error('completion refused: ' . $refused->getMessage(), ['run' => $runId]);
        }
        return $result;
    }

    /**
     * Starts the run, or resumes it on a retry. True: tracked; false: execute untracked; null: do not execute.
     */
    private function begin(Client $client, object $command, int $runId, ?object $queueJob, int $attempt): ?bool
    {
        if ($attempt > 1) {
            try {
                $run = $client->getRun($runId);
                $released = $run['summary_counts'][self::RELEASED_ATTEMPTS] ?? null;
                if (($run['status'] ?? null) === 'running' && $released === $attempt - 1) {
                    return true;  // the previous attempt was released back to the queue: this retry carries on
                }
            } catch (UnreachableException $unreachable) {
                Runwatch::warning('executing untracked: ' . $unreachable->getMessage(), ['run' => $runId, 'attempt' => $attempt]);
                return false;
            } catch (RunwatchException) {
                // Decided by the start below.
            }
        }
        try {
            $client->start($runId, $this->worker($command, $queueJob));
            return true;
        } catch (StartRefusedException $refused) {
            Runwatch::warning("not executing the job: Runwatch refused to start its run ({$refused->getCode()})", [
                'run' => $runId, 'job' => get_class($command), 'attempt' => $attempt, 'reason' => $refused->apiMessage,
            ]);
            return null;
        } catch (UnreachableException $unreachable) {
            Runwatch::warning('executing untracked: ' . $unreachable->getMessage(), ['run' => $runId]);
            return false;
        } catch (RunwatchException $error) {
            Runwatch::error('executing untracked: the start was refused: ' . $error->getMessage(), ['run' => $runId]);
            return false;
        }
    }

    /** Records that this attempt ended released back to the queue, so its retry may carry on with the run. */
    private function recordRelease(Client $client, int $runId, int $attempt): void
    {
        try {
            $client->heartbeat($runId, [self::RELEASED_ATTEMPTS => $attempt]);
        } catch (RunFinishedException) {
            // Finished meanwhile: the retry's start is refused, as it should be.
        } catch (UnreachableException | RunwatchException $error) {
            Runwatch::warning('the release was not recorded (its retry will not run): ' . $error->getMessage(), ['run' => $runId]);
        }
    }

    /** Whether Laravel releases the job after this exception, rather than failing it (the job's own limits). */
    private function mayBeRetried(object $queueJob, int $attempt): bool
    {
        $retryUntil = $this->intOrNull($queueJob->retryUntil());
        if ($retryUntil !== null) {
            return $retryUntil > time();
        }
        $maxTries = $this->intOrNull($queueJob->maxTries());
        return $maxTries === null || $maxTries === 0 || $attempt < $maxTries;  // null: the worker's --tries decides
    }

    private function worker(object $command, ?object $queueJob): array
    {
        $where = $queueJob === null ? 'sync' : $queueJob->getConnectionName() . ':' . $queueJob->getQueue();
        return Client::worker("laravel-queue {$where} " . get_class($command));
    }

    private function queueJob(object $command): ?object
    {
        $job = property_exists($command, 'job') ? $command->job : null;
        return is_object($job) && method_exists($job, 'attempts') && method_exists($job, 'delete') ? $job : null;
    }

    private function intOrNull(mixed $value): ?int
    {
        return is_numeric($value) ? (int) $value : null;
    }
}
