<?php

declare(strict_types=1);

// Helpers of run-suite.php: assertions, waiting, processes started and stopped by PID, marker files.

final class SuiteFailure extends RuntimeException
{
}

function check(bool $condition, string $message): void
{
    if (!$condition) {
        throw new SuiteFailure($message);
    }
}

function same(mixed $expected, mixed $actual, string $what): void
{
    if ($expected !== $actual) {
        throw new SuiteFailure("{$what}: expected " . json_encode($expected, JSON_UNESCAPED_SLASHES) . ', got ' . json_encode($actual, JSON_UNESCAPED_SLASHES));
    }
}

/** Calls $check every 0.1 s until it returns something truthy, and returns that. */
function wait_until(string $what, callable $check, float $timeout): mixed
{
    $deadline = microtime(true) + $timeout;
    while (true) {
        $value = $check();
        if ($value) {
            return $value;
        }
        if (microtime(true) > $deadline) {
            throw new SuiteFailure("timed out after {$timeout} s waiting for {$what}");
        }
        usleep(100_000);
    }
}

/** Processes started by the suite, each logging to DIRECTORY/NAME.log; stopped by PID, never by name. */
final class Processes
{
    /** @var array<int, array{handle: resource, name: string, status: ?array}> */
    private array $started = [];

    public function __construct(private readonly string $directory)
    {
    }

    /** Starts argv (no shell) and returns its PID. */
    public function start(string $name, array $argv): int
    {
        $log = "{$this->directory}/{$name}.log";
        $handle = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes);
        if (!is_resource($handle)) {
            throw new RuntimeException("cannot start {$name}");
        }
        $pid = proc_get_status($handle)['pid'];
        $this->started[$pid] = ['handle' => $handle, 'name' => $name, 'status' => null];
        return $pid;
    }

    /** Null while the process runs; then ['exitcode' => …, 'termsig' => …] (termsig 0 unless a signal ended it). */
    public function exited(int $pid): ?array
    {
        $entry = &$this->started[$pid];
        if ($entry['status'] === null) {
            $status = proc_get_status($entry['handle']);
            if (!$status['running']) {
                $entry['status'] = ['exitcode' => $status['exitcode'], 'termsig' => $status['signaled'] ? $status['termsig'] : 0];
            }
        }
        return $entry['status'];
    }

    /** kill -9, and waits until it is gone. */
    public function kill(int $pid): void
    {
        posix_kill($pid, SIGKILL);
        wait_until("process {$pid} to die", fn () => $this->exited($pid), 10);
    }

    /** SIGTERM, then SIGKILL after the grace period. */
    public function stop(int $pid, float $grace = 3.0): void
    {
        if ($this->exited($pid) !== null) {
            return;
        }
        posix_kill($pid, SIGTERM);
        try {
            wait_until("process {$pid} to stop", fn () => $this->exited($pid), $grace);
        } catch (SuiteFailure) {
            $this->kill($pid);
        }
    }

    public function stopAll(): void
    {
        foreach (array_reverse(array_keys($this->started)) as $pid) {
            $this->stop($pid);
            proc_close($this->started[$pid]['handle']);
        }
        $this->started = [];
    }
}

/** A PSR-3-shaped logger that keeps what it is told (and echoes it to the suite's stderr). */
final class CollectingLogger
{
    /** @var list<string> */
    public array $lines = [];

    public function warning(string $message, array $context = []): void
    {
        $this->lines[] = "warning: {$message}";
    }

    public function error(string $message, array $context = []): void
    {
        $this->lines[] = "error: {$message}";
    }
}

/** Runs argv (no shell): [exit status, stdout, stderr]. */
function run_command(array $argv): array
{
    $errors = tmpfile();
    $process = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => $errors], $pipes);
    $output = (string) stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    $status = proc_close($process);
    rewind($errors);
    return [$status, $output, (string) stream_get_contents($errors)];
}

/** Runs argv and returns its stdout; throws when it fails. */
function run_checked(array $argv): string
{
    [$status, $output, $errors] = run_command($argv);
    if ($status !== 0) {
        throw new RuntimeException(implode(' ', $argv) . " exited {$status}: {$output}{$errors}");
    }
    return $output;
}

/** The address `runwatch serve --port 0` announced in its log, once it answers /healthz. */
function serving_url(string $log): ?string
{
    if (!preg_match('#Runwatch is serving (http://127\.0\.0\.1:\d+)#', read_file($log), $match)) {
        return null;
    }
    $answer = @file_get_contents($match[1] . '/healthz', false, stream_context_create(['http' => ['timeout' => 2]]));
    return $answer === false ? null : $match[1];
}

function read_file(string $path): string
{
    return is_file($path) ? (string) file_get_contents($path) : '';
}

/** The marker file's lines as [event, pid, attempt]. */
function marker_lines(string $directory, string $marker): array
{
    $lines = array_filter(explode("\n", read_file("{$directory}/{$marker}")));
    return array_map(static function (string $line): array {
        [$event, $pid, $attempt] = explode(' ', $line);
        return [$event, (int) $pid, (int) $attempt];
    }, array_values($lines));
}

/** The marker file's lines as [event, attempt]. */
function marker_events(string $directory, string $marker): array
{
    return array_map(static fn (array $line): array => [$line[0], $line[2]], marker_lines($directory, $marker));
}

function late_report_kinds(array $run): array
{
    return array_map(static fn (array $report) => $report['kind'], $run['late_reports'] ?? []);
}

function ksorted(?array $values): ?array
{
    if ($values !== null) {
        ksort($values);
    }
    return $values;
}

/** A loopback port nothing listens on. */
function closed_port(): int
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    return $port;
}

function remove_tree(string $path): void
{
    if (is_dir($path) && !is_link($path)) {
        foreach (scandir($path) as $entry) {
            if ($entry !== '.' && $entry !== '..') {
                remove_tree("{$path}/{$entry}");
            }
        }
        rmdir($path);
    } elseif (file_exists($path) || is_link($path)) {
        unlink($path);
    }
}
