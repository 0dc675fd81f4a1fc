<?php

declare(strict_types=1);

// The PHP client and its Laravel integration against real illuminate/queue 8.83 workers (Worker::daemon, the
// database driver on SQLite) and a real `runwatch serve` with its own lifecycle policy. `make test-laravel` runs
//   RUNWATCH=.build/debug/runwatch php Tests/laravel/run-suite.php
// Every run is asserted through the worker API. One PASS/FAIL line per scenario; the exit status is 1 if any
// failed. Every process started here binds 127.0.0.1 and is stopped by its PID. LARAVEL_SUITE_KEEP_LOGS=1 keeps
// the logs (they are kept anyway when a scenario fails).

require __DIR__ . '/shop/bootstrap.php';
require __DIR__ . '/support.php';

use Runwatch\Client;
use Runwatch\Laravel\Runwatch;
use Shop\Jobs\BuildReport;
use Shop\Jobs\Crunch;
use Shop\Jobs\ExecuteRestore;
use Shop\Jobs\ExplodingReport;
use Shop\Jobs\FlakyReport;
use Shop\Jobs\SlowImport;

$runwatchBinary = getenv('RUNWATCH') ?: '.build/debug/runwatch';
$public = dirname(__DIR__, 2) . '/Public';
$began = microtime(true);

// The timing rule in Laravel's terms: a job's $timeout (job_timeout_seconds) + the margin < the connection's
// retry_after (retry_after_seconds). The `database` connection's retry_after is 30.
const SUITE_POLICY = <<<'YAML'
safety_margin_seconds: 5
queues:
  default: { retry_after_seconds: 30 }
reconcile: { interval_seconds: 1, batch_limit: 100 }
types:
  report.build:
    queue: default
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 60
    expected_runtime_seconds: 5
    job_timeout_seconds: 20
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
    heartbeat_timeout_seconds: 4
  catalog.import:
    queue: default
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 60
    expected_runtime_seconds: 8
    job_timeout_seconds: 12
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
  restore.execute:
    queue: default
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 60
    expected_runtime_seconds: 10
    job_timeout_seconds: 20
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
    heartbeat_timeout_seconds: 6
YAML;

// SlowImport's settings written as a policy: $timeout 12 on a connection whose retry_after is 3.
const BROKEN_POLICY = <<<'YAML'
safety_margin_seconds: 1
queues:
  imports: { retry_after_seconds: 3 }
reconcile: { interval_seconds: 1, batch_limit: 100 }
types:
  catalog.import:
    queue: imports
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 60
    expected_runtime_seconds: 8
    job_timeout_seconds: 12
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
YAML;

$work = rtrim(sys_get_temp_dir(), '/') . '/runwatch-laravel.' . bin2hex(random_bytes(4));
mkdir($work);
mkdir($markers = "{$work}/markers");
$processes = new Processes($work);
$logger = new CollectingLogger();
$scenarios = [];
$results = [];

try {
    // Runwatch: a fresh database, a workspace with two tenants, a worker token, `serve` on a free port.
    $db = "{$work}/runwatch.sqlite";
    file_put_contents($policy = "{$work}/policy.yaml", SUITE_POLICY);
    run_checked([$runwatchBinary, 'workspace', 'add', '--slug', 'shop', '--name', 'Shop', '--db', $db]);
    $tenant = (int) trim(run_checked([$runwatchBinary, 'tenant', 'add', '--workspace', 'shop', '--name', 'Contoso', '--db', $db]));
    $doomedTenant = (int) trim(run_checked([$runwatchBinary, 'tenant', 'add', '--workspace', 'shop', '--name', 'Fabrikam', '--db', $db]));
    $token = trim(run_checked([$runwatchBinary, 'token', 'create', '--workspace', 'shop', '--name', 'laravel', '--db', $db]));
    $server = $processes->start('serve', [$runwatchBinary, 'serve', '--db', $db, '--policy', $policy, '--host', '127.0.0.1', '--port', '0', '--public', $public]);
    $url = wait_until('runwatch serve', static function () use ($processes, $server, $work) {
        check($processes->exited($server) === null, 'runwatch serve exited: ' . read_file("{$work}/serve.log"));
        return serving_url("{$work}/serve.log");
    }, 30);
    $client = new Client($url, $token);

    // The shop: its queue databases, Runwatch configured from the environment (workers inherit it), workers.
    putenv("RUNWATCH_URL={$url}");
    putenv("RUNWATCH_TOKEN={$token}");
    putenv("MARKER_DIR={$markers}");
    $queue = shop_boot($work);
    shop_migrate($queue, $work);
    shop_configure_runwatch($logger);
    $workers = [];
    foreach ([
        'main' => 'database', 'timeouts' => 'timeouts', 'doomed' => 'doomed', 'restores' => 'restores',
        'untracked-1' => 'short-untracked', 'untracked-2' => 'short-untracked',
        'tracked-1' => 'short-tracked', 'tracked-2' => 'short-tracked',
    ] as $name => $connection) {
        $workers[$name] = $processes->start("worker-{$name}", [PHP_BINARY, __DIR__ . '/worker.php', $work, $connection, 'default', $name]);
    }
    foreach ($workers as $name => $pid) {
        wait_until("worker {$name}", static fn () => str_contains(read_file("{$work}/worker-{$name}.log"), 'ready on'), 20);
    }
    $jobsLeft = static fn (string $connection): int => $queue->getContainer()->make('db')->connection($connection)->table('jobs')->count();
    $finished = static function (int $runId, float $timeout = 30) use ($client): array {
        return wait_until("run {$runId} to complete", static function () use ($client, $runId) {
            $run = $client->getRun($runId);
            return $run['status'] === 'completed' ? $run : null;
        }, $timeout);
    };

    // Scenarios: every dispatch first (they run side by side on their workers), then every verification (which
    // dispatches itself when what it shows depends on when the suite acts).

    $scenarios['success'] = [
        'dispatch' => static function () use ($queue, $tenant): array {
            $job = new BuildReport('success', 5, $tenant, ['report' => 'weekly']);
            $queue->connection('database')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($client, $finished, $workers, $tenant): string {
            $run = $finished($dispatched['run']);
            same('succeeded', $run['outcome'], 'outcome');
            same(['processed' => 5, 'total' => 5], $run['summary_counts'], 'summary_counts');
            same(null, $run['reconciliation'], 'reconciliation');
            same($tenant, $run['tenant_id'], 'tenant_id');
            same('weekly', $run['context']['report'] ?? null, 'context.report');
            same(BuildReport::class, $run['context']['laravel_job'] ?? null, 'context.laravel_job');
            same(['host' => gethostname(), 'name' => 'laravel-queue database:default ' . BuildReport::class, 'pid' => $workers['main']],
                ksorted($run['worker']), 'worker');
            return "run {$run['id']} {$run['status']}/{$run['outcome']}, counts " . json_encode($run['summary_counts'])
                . ", worker {$run['worker']['host']} pid {$run['worker']['pid']} ({$run['worker']['name']})";
        },
    ];

    $scenarios['exception'] = [
        'dispatch' => static function () use ($queue): array {
            $job = new ExplodingReport('exception');
            $queue->connection('database')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($finished): string {
            $run = $finished($dispatched['run']);
            same('failed', $run['outcome'], 'outcome');
            same('run.queue_failure_bridge', $run['reconciliation']['reason_code'] ?? null, 'reason_code');
            $failure = $run['reconciliation']['evidence']['queue_failure'] ?? [];
            same('exception', $failure['kind'] ?? null, 'queue_failure.kind');
            same('Shop\Jobs\TemplateMissingException', $failure['exception_class'] ?? null, 'queue_failure.exception_class');
            same('the report template is missing', $failure['message'] ?? null, 'queue_failure.message');
            return "run {$run['id']} {$run['reconciliation']['reason_code']}, kind {$failure['kind']}, {$failure['exception_class']}: {$failure['message']}";
        },
    ];

    $scenarios['retry after an exception'] = [
        'dispatch' => static function () use ($queue): array {
            $job = new FlakyReport('flaky');
            $queue->connection('database')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($finished, $markers): string {
            $run = $finished($dispatched['run']);
            same('succeeded', $run['outcome'], 'outcome (the second attempt carried on with the run)');
            same([['start', 1], ['start', 2], ['end', 2]], marker_events($markers, 'flaky'), 'body events (event, attempt)');
            same(1, $run['summary_counts']['released_attempts'] ?? null, 'summary_counts.released_attempts');
            same([], $run['late_reports'], 'late_reports (a retry is no refused start)');
            return "run {$run['id']} {$run['status']}/{$run['outcome']} after 2 attempts, counts " . json_encode($run['summary_counts']);
        },
    ];

    $scenarios['timeout'] = [
        'dispatch' => static function () use ($queue): array {
            $job = new Crunch('timeout', 10, timeout: 2);
            $queue->connection('timeouts')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($finished, $markers, $processes, $workers): string {
            $run = $finished($dispatched['run'], 20);
            same('failed', $run['outcome'], 'outcome');
            same('run.infrastructure_timeout_or_abandonment', $run['reconciliation']['reason_code'] ?? null, 'reason_code');
            $failure = $run['reconciliation']['evidence']['queue_failure'] ?? [];
            same('timeout', $failure['kind'] ?? null, 'queue_failure.kind');
            same('Illuminate\Queue\MaxAttemptsExceededException', $failure['exception_class'] ?? null, 'queue_failure.exception_class (Laravel 8.83)');
            check(str_contains($failure['message'] ?? '', 'has been attempted too many times or run too long'), 'message: ' . json_encode($failure['message'] ?? null));
            $status = wait_until('the timed-out worker to exit', static fn () => $processes->exited($workers['timeouts']), 10);
            same(SIGKILL, $status['termsig'], 'the worker killed itself (SIGKILL) after failed()');
            same([['start', 1]], marker_events($markers, 'timeout'), 'body events');
            return "run {$run['id']} {$run['reconciliation']['reason_code']}, kind {$failure['kind']}, {$failure['exception_class']}: "
                . "\"{$failure['message']}\"; the worker then killed itself (signal {$status['termsig']})";
        },
    ];

    // Dispatched when verified (as the linked record below): what it shows depends on when the suite acts.
    $scenarios['kill -9 of the worker'] = [
        'verify' => static function () use ($queue, $client, $finished, $processes, $workers): string {
            $job = new Crunch('doomed', 30, timeout: 20);
            $queue->connection('doomed')->push($job);
            $runId = $job->runwatchRunId;
            wait_until('progress from the doomed worker', static fn () => ($client->getRun($runId)['summary_counts']['processed'] ?? 0) >= 3, 20);
            $processes->kill($workers['doomed']);
            $killedAt = microtime(true);
            usleep(1_500_000);
            $meanwhile = $client->getRun($runId);
            same('running', $meanwhile['status'], 'status 1.5 s after the kill (nobody reported anything)');
            $run = $finished($runId, 20);
            $took = microtime(true) - $killedAt;
            same('failed', $run['outcome'], 'outcome');
            same('run.stale_running', $run['reconciliation']['reason_code'] ?? null, 'reason_code');
            same('heartbeat', $run['reconciliation']['evidence']['deadline'] ?? null, 'evidence.deadline');
            same($workers['doomed'], $run['worker']['pid'] ?? null, 'worker.pid (the killed worker)');
            return sprintf('run %d stayed running after the kill, healed %.1f s later as %s (deadline %s, threshold %s s)', $runId, $took,
                $run['reconciliation']['reason_code'], $run['reconciliation']['evidence']['deadline'], $run['reconciliation']['evidence']['threshold_seconds'] ?? '?');
        },
    ];

    $scenarios['redelivered after kill -9: max attempts'] = [
        'verify' => static function () use ($queue, $client, $finished, $processes, $work): string {
            $job = new Crunch('redelivered', 30, timeout: 20, type: 'catalog.import');
            $queue->connection('redelivery')->push($job);
            $runId = $job->runwatchRunId;
            $first = $processes->start('worker-redelivery-1', [PHP_BINARY, __DIR__ . '/worker.php', $work, 'redelivery', 'default', 'redelivery-1']);
            wait_until('progress from the first worker', static fn () => ($client->getRun($runId)['summary_counts']['processed'] ?? 0) >= 2, 20);
            $processes->kill($first);
            $second = $processes->start('worker-redelivery-2', [PHP_BINARY, __DIR__ . '/worker.php', $work, 'redelivery', 'default', 'redelivery-2']);
            $run = $finished($runId, 20);
            same('failed', $run['outcome'], 'outcome');
            same('run.queue_failure_bridge', $run['reconciliation']['reason_code'] ?? null, 'reason_code');
            $failure = $run['reconciliation']['evidence']['queue_failure'] ?? [];
            same('max_attempts', $failure['kind'] ?? null, 'queue_failure.kind (the same exception class as a timeout, raised before the job ran)');
            same('Illuminate\Queue\MaxAttemptsExceededException', $failure['exception_class'] ?? null, 'queue_failure.exception_class');
            same($first, $run['worker']['pid'] ?? null, 'worker.pid (the killed first worker started it)');
            same(null, $processes->exited($second), 'the second worker is alive');
            return "run {$runId}: its worker killed, the queue handed the job (tries 1) to worker {$second} after retry_after 3 s, which failed it "
                . "before running it: {$run['reconciliation']['reason_code']}, kind {$failure['kind']}, {$failure['exception_class']}";
        },
    ];

    $scenarios['start refused: cancelled'] = [
        'dispatch' => static function () use ($queue, $client): array {
            $job = new BuildReport('cancelled', 3);
            $queue->connection('database')->later(3, $job);
            $client->complete($job->runwatchRunId, 'cancelled');
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($client, $markers, $jobsLeft, $work): string {
            $runId = $dispatched['run'];
            $run = wait_until('the refused start', static fn () => late_report_kinds($client->getRun($runId)) === ['start'] ? $client->getRun($runId) : null, 20);
            wait_until('the job to leave the queue', static fn () => $jobsLeft('database') === 0 || null, 10);
            same(['completed', 'cancelled'], [$run['status'], $run['outcome']], 'status/outcome');
            same([], marker_events($markers, 'cancelled'), 'body events (the body must not run)');
            check(str_contains(read_file("{$work}/worker-main.log"), "Runwatch refused to start its run (already_terminal)"), 'the worker logged the refusal');
            return "run {$runId} stayed completed/cancelled; the worker's start was refused already_terminal (kept as a late report), the job was deleted and its body never ran";
        },
    ];

    $scenarios['start refused: tenant archived'] = [
        'dispatch' => static function () use ($queue, $runwatchBinary, $db, $doomedTenant): array {
            $job = new BuildReport('archived', 3, $doomedTenant);
            $queue->connection('database')->later(3, $job);
            run_checked([$runwatchBinary, 'tenant', 'archive', '--id', (string) $doomedTenant, '--db', $db]);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($client, $markers, $jobsLeft, $work): string {
            $runId = $dispatched['run'];
            $refusal = "Runwatch refused to start its run (tenant_archived) {\"run\":{$runId},";
            wait_until('the refused start', static fn () => str_contains(read_file("{$work}/worker-main.log"), $refusal), 20);
            wait_until('the job to leave the queue', static fn () => $jobsLeft('database') === 0 || null, 10);
            same([], marker_events($markers, 'archived'), 'body events (the body must not run)');
            $run = $client->getRun($runId);
            same(['queued', null], [$run['status'], $run['started_at']], 'status, started_at');
            return "run {$runId} stayed {$run['status']}: start refused tenant_archived, the job was deleted and its body never ran";
        },
    ];

    $scenarios['runwatch unreachable at dispatch'] = [
        'dispatch' => static function () use ($queue, $logger): array {
            $before = count($logger->lines);
            Runwatch::configure(new Client('http://127.0.0.1:' . closed_port(), 'rwt_unused', 1.0, 2.0), $logger);
            try {
                $job = new BuildReport('unreachable', 2);
            } finally {
                shop_configure_runwatch($logger);
            }
            $queue->connection('database')->push($job);
            return ['run' => $job->runwatchRunId, 'warnings' => array_slice($logger->lines, $before)];
        },
        'verify' => static function (array $dispatched) use ($markers): string {
            same(null, $dispatched['run'], 'runwatchRunId');
            check(count($dispatched['warnings']) === 1 && str_contains($dispatched['warnings'][0], 'warning: dispatching untracked: cannot reach'),
                'one warning: ' . json_encode($dispatched['warnings']));
            wait_until('the untracked job to run', static fn () => marker_events($markers, 'unreachable') === [['start', 1], ['end', 1]], 20);
            return "dispatched without a run (\"{$dispatched['warnings'][0]}\"), executed untracked";
        },
    ];

    $scenarios['client: answers and refusals'] = [
        'verify' => static function () use ($client, $url, $tenant, $logger): string {
            $refusal = static function (callable $call): Throwable {
                try {
                    $call();
                } catch (Throwable $thrown) {
                    return $thrown;
                }
                throw new SuiteFailure('no exception');
            };
            $run = $client->createRun('report.build', $tenant, null, ['step' => 'client']);
            same(['queued', ['step' => 'client']], [$run['status'], $run['context']], 'created');
            $notStarted = $refusal(static fn () => $client->heartbeat($run['id'], ['processed' => 1]));
            same([\Runwatch\RunConflictException::class, 'not_started', 409, 'queued'], [get_class($notStarted), $notStarted->getCode(), $notStarted->status, $notStarted->run['status'] ?? null], 'heartbeat before start');
            $started = $client->start($run['id'], ['host' => 'suite', 'pid' => 1, 'name' => 'a worker named by hand']);
            same(['host' => 'suite', 'name' => 'a worker named by hand', 'pid' => 1], ksorted($started['worker']), 'the worker as given');
            $again = $refusal(static fn () => $client->start($run['id']));
            same([\Runwatch\StartRefusedException::class, 'already_started'], [get_class($again), $again->getCode()], 'second start');
            $invalid = $refusal(static fn () => $client->heartbeat($run['id'], ['processed' => -1]));
            same([\Runwatch\RunwatchException::class, 422, 'invalid_field', 'summary_counts.processed'], [get_class($invalid), $invalid->status, $invalid->getCode(), $invalid->field], '422');
            $failed = $client->queueFailure($run['id'], 'max_attempts', 'Shop\\Suite\\Gave_up', 'three times');
            same(['failed', 'max_attempts'], [$failed['outcome'], $failed['reconciliation']['evidence']['queue_failure']['kind'] ?? null], 'queue-failure');
            $late = $refusal(static fn () => $client->complete($run['id'], 'succeeded'));
            same([\Runwatch\RunFinishedException::class, 'already_terminal'], [get_class($late), $late->getCode()], 'completion after the end');
            $page = $client->listRuns(['type' => 'report.build', 'outcome' => 'failed', 'tenant' => $tenant, 'freshness' => null]);
            same([$run['id']], array_column($page['runs'], 'id'), 'listRuns filters');
            $first = $client->listRuns(['type' => 'report.build', 'limit' => 1]);
            $second = $client->listRuns(['type' => 'report.build', 'limit' => 1, 'after' => $first['next']]);
            check(is_string($first['next']) && $second['runs'][0]['id'] < $first['runs'][0]['id'], 'listRuns pages newest first through next/after');
            $missing = $refusal(static fn () => $client->getRun(999_999_999));
            same([404, 'not_found'], [$missing->status, $missing->getCode()], 'unknown run');
            $denied = $refusal(static fn () => (new Client($url, 'rwt_wrong'))->getRun($run['id']));
            same([401, 'unauthorized'], [$denied->status, $denied->getCode()], 'wrong token');
            $unencodable = $refusal(static fn () => $client->createRun('report.build', context: ['ratio' => INF]));
            same(InvalidArgumentException::class, get_class($unencodable), 'a context JSON cannot hold');
            $before = count($logger->lines);
            $job = new BuildReport('never-pushed', 1, $tenant, ['ratio' => NAN]);
            same([null, 1], [$job->runwatchRunId, count($logger->lines) - $before], 'an unencodable context: untracked, one error logged');
            return "run {$run['id']}: not_started, already_started, 422 on summary_counts.processed, queue-failure, already_terminal, 404, 401 and an unencodable body each as documented";
        },
    ];

    $scenarios['service provider (config/runwatch.php)'] = [
        'verify' => static function () use ($client, $url): string {
            putenv('RUNWATCH_HEARTBEAT_INTERVAL=0.25');
            try {
                $seen = json_decode(run_checked([PHP_BINARY, __DIR__ . '/provider-app.php']), true, flags: JSON_THROW_ON_ERROR);
            } finally {
                putenv('RUNWATCH_HEARTBEAT_INTERVAL');
            }
            same($url, $seen['url'], 'the client\'s url (RUNWATCH_URL through config/runwatch.php)');
            same(true, $seen['same_client'], 'Runwatch::client() is the container\'s Client singleton');
            same(10, (int) $seen['timeout'], 'runwatch.timeout (the default of config/runwatch.php)');
            same(0.25, $seen['heartbeat_interval'], 'heartbeat interval (RUNWATCH_HEARTBEAT_INTERVAL)');
            same(['warning: a warning goes to the application log'], $seen['log'], 'the application log receives the warnings');
            $run = $client->getRun((int) $seen['run']);
            same(['queued', BuildReport::class], [$run['status'], $run['context']['laravel_job'] ?? null], 'the run created at dispatch');
            return "register() + boot() configured Runwatch from config/runwatch.php; the job's run {$run['id']} was created {$run['status']}";
        },
    ];

    $scenarios['timing rule: runwatch policy validate'] = [
        'verify' => static function () use ($runwatchBinary, $work, $policy): string {
            file_put_contents($broken = "{$work}/broken-policy.yaml", BROKEN_POLICY);
            [$status, $output, $errors] = run_command([$runwatchBinary, 'policy', 'validate', '--policy', $broken]);
            $output .= $errors;
            same(1, $status, 'exit status of policy validate on the broken policy');
            $expected = 'types.catalog.import.job_timeout_seconds: 12 + safety_margin_seconds 1 = 13 must be < queues.imports.retry_after_seconds 3';
            check(str_contains($output, $expected), "the message names the numbers: {$output}");
            [$status] = run_command([$runwatchBinary, 'policy', 'validate', '--policy', $policy]);
            same(0, $status, "exit status of policy validate on the suite's policy");
            return "exit 1: {$expected}";
        },
    ];

    $scenarios['timing rule broken: untracked job runs twice'] = [
        'dispatch' => static function () use ($queue): array {
            $job = new SlowImport('twice-untracked', tracked: false);
            $queue->connection('short-untracked')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($markers, $workers): string {
            same(null, $dispatched['run'], 'runwatchRunId');
            $starts = wait_until('the body to start twice', static function () use ($markers) {
                $lines = marker_lines($markers, 'twice-untracked');
                $starts = array_values(array_filter($lines, static fn ($line) => $line[0] === 'start'));
                return count($starts) >= 2 ? $starts : null;
            }, 20);
            $pids = array_map(static fn ($line) => $line[1], $starts);
            check($pids[0] !== $pids[1] && !array_diff($pids, [$workers['untracked-1'], $workers['untracked-2']]), 'two workers: ' . json_encode($pids));
            same([1, 2], array_map(static fn ($line) => $line[2], $starts), 'attempts');
            return "\$timeout 12 ≥ retry_after 3: the body started twice at once, in workers {$pids[0]} (attempt 1) and {$pids[1]} (attempt 2)";
        },
    ];

    $scenarios['timing rule broken: tracked job runs once'] = [
        'dispatch' => static function () use ($queue): array {
            $job = new SlowImport('twice-tracked', tracked: true);
            $queue->connection('short-tracked')->push($job);
            return ['run' => $job->runwatchRunId];
        },
        'verify' => static function (array $dispatched) use ($finished, $markers, $workers, $work, $jobsLeft): string {
            $runId = $dispatched['run'];
            $run = $finished($runId, 30);
            same('succeeded', $run['outcome'], 'outcome');
            $lines = marker_lines($markers, 'twice-tracked');
            same([['start', 1], ['end', 1]], array_map(static fn ($line) => [$line[0], $line[2]], $lines), 'body events (event, attempt)');
            $ran = $lines[0][1];
            same($ran, $run['worker']['pid'] ?? null, "worker.pid (the worker that started the run ran the body)");
            $other = $ran === $workers['tracked-1'] ? 'tracked-2' : 'tracked-1';
            $refusal = "Runwatch refused to start its run (already_started) {\"run\":{$runId},\"job\":\"Shop\\\\Jobs\\\\SlowImport\",\"attempt\":2";
            check(str_contains(read_file("{$work}/worker-{$other}.log"), $refusal), "worker {$other} logged: {$refusal}");
            same(0, $jobsLeft('short-tracked'), 'jobs left on the queue');
            $refusedBy = $workers[$other];
            return "run {$runId} {$run['status']}/{$run['outcome']}: the body ran once (worker {$lines[0][1]}); the second delivery (worker {$refusedBy}, attempt 2) was refused already_started and deleted";
        },
    ];

    $scenarios['linked record'] = [
        'verify' => static function () use ($queue, $tenant, $client, $finished, $markers, $jobsLeft): string {
            $restoreId = 'nightly/r-' . bin2hex(random_bytes(3)) . ' (tenant 1)';  // percent-encoded in the path
            $job = new ExecuteRestore('restore', $restoreId, $tenant);
            $queue->connection('restores')->push($job);
            $dispatched = ['run' => $job->runwatchRunId, 'restore' => $restoreId];
            $runId = $dispatched['run'];
            $linked = $client->getRun($runId)['linked_record'] ?? null;
            same(['id' => $dispatched['restore'], 'kind' => 'restore', 'status' => 'queued'], ksorted($linked), 'linked_record');
            wait_until('the restore to report progress', static fn () => ($client->getRun($runId)['summary_counts']['items_restored'] ?? 0) >= 2, 20);
            $answer = $client->updateLinkedRecord('restore', $dispatched['restore'], 'failed');
            check(($answer['runs_updated'] ?? 0) >= 1, 'runs_updated: ' . json_encode($answer));
            $run = $finished($runId, 15);
            same('failed', $run['outcome'], 'outcome');
            same('run.adapter_out_of_sync', $run['reconciliation']['reason_code'] ?? null, 'reason_code');
            same('failed', $run['linked_record']['status'] ?? null, 'linked_record.status');
            wait_until('the job to stop at its next heartbeat', static fn () => $jobsLeft('restores') === 0 || null, 10);
            same([['start', 1]], marker_events($markers, 'restore'), 'body events (stopped, not finished)');
            check(in_array('heartbeat', late_report_kinds($client->getRun($runId)), true), 'the refused heartbeat is a late report');
            $nobody = $client->updateLinkedRecord('restore', 'nightly/r-nobody-links-this', 'failed');
            same(0, $nobody['runs_updated'] ?? null, 'runs_updated for a record nobody links');
            return "run {$runId} linked to restore {$dispatched['restore']}: runs_updated {$answer['runs_updated']}, completed by the reconciler as "
                . "{$run['reconciliation']['reason_code']}/{$run['outcome']}; the job stopped at its next heartbeat (deleted, not failed); a record nobody links: runs_updated 0";
        },
    ];

    $dispatched = [];
    foreach ($scenarios as $name => $scenario) {
        try {
            $dispatched[$name] = isset($scenario['dispatch']) ? $scenario['dispatch']() : [];
        } catch (Throwable $error) {
            $dispatched[$name] = $error;
        }
    }
    foreach ($scenarios as $name => $scenario) {
        $started = microtime(true);
        try {
            if ($dispatched[$name] instanceof Throwable) {
                throw $dispatched[$name];
            }
            $detail = $scenario['verify']($dispatched[$name]);
            $results[$name] = true;
            printf("PASS  %s: %s (%.1f s)\n", $name, $detail, microtime(true) - $started);
        } catch (Throwable $error) {
            $results[$name] = false;
            printf("FAIL  %s: %s%s\n", $name, $error instanceof SuiteFailure ? '' : get_class($error) . ': ', $error->getMessage());
        }
    }
} catch (Throwable $error) {
    $results['setup'] = false;
    printf("FAIL  setup: %s: %s\n", get_class($error), $error->getMessage());
} finally {
    $processes->stopAll();
}

$failed = array_keys(array_filter($results, static fn ($passed) => !$passed));
printf("%d scenarios, %d passed, %d failed in %.1f s\n", count($results), count($results) - count($failed), count($failed), microtime(true) - $began);
if ($failed || getenv('LARAVEL_SUITE_KEEP_LOGS')) {
    fwrite(STDERR, "logs kept in {$work}\n");
} else {
    remove_tree($work);
}
exit($failed ? 1 : 0);
