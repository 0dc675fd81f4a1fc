<?php

declare(strict_types=1);

// A real illuminate/queue worker (Worker::daemon, as `php artisan queue:work` runs it) for the suite:
//   php worker.php DIRECTORY CONNECTION QUEUE NAME
// DIRECTORY holds the queue databases; RUNWATCH_URL, RUNWATCH_TOKEN and MARKER_DIR come from the environment.

require __DIR__ . '/shop/bootstrap.php';

use Illuminate\Contracts\Debug\ExceptionHandler;
use Illuminate\Queue\Worker;
use Illuminate\Queue\WorkerOptions;

[, $directory, $connection, $queueName, $name] = $argv;

/** Reports what the worker catches on stderr, as Laravel's handler logs it. */
final class StderrExceptionHandler implements ExceptionHandler
{
    public function report(Throwable $e)
    {
        fwrite(STDERR, sprintf("worker %d reported %s: %s\n", getmypid(), get_class($e), $e->getMessage()));
    }

    public function shouldReport(Throwable $e)
    {
        return true;
    }

    public function render($request, Throwable $e)
    {
        throw $e;
    }

    public function renderForConsole($output, Throwable $e)
    {
        $this->report($e);
    }
}

$queue = shop_boot($directory);
shop_configure_runwatch();
$container = $queue->getContainer();
$container->instance(ExceptionHandler::class, $handler = new StderrExceptionHandler());

$events = $container->make('events');
$events->listen(Illuminate\Queue\Events\JobFailed::class, static function ($event): void {
    fwrite(STDERR, sprintf("worker %d: job %s failed: %s %s\n", getmypid(), $event->job->resolveName(), get_class($event->exception), $event->exception->getMessage()));
});

$worker = new Worker($queue->getQueueManager(), $events, $handler, static fn (): bool => false);
$worker->setName($name);
fwrite(STDERR, sprintf("worker %s (pid %d) ready on %s:%s\n", $name, getmypid(), $connection, $queueName));
// name, backoff, memory MB, timeout (the default for jobs without $timeout), sleep, maxTries (jobs' $tries wins).
$options = new WorkerOptions($name, 0, 256, 60, 0.25, 1);
exit($worker->daemon($connection, $queueName, $options));
