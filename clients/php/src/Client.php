<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * The worker API (`/api/v1`) with one worker token: one method per endpoint, answers as arrays decoded from the
 * API's JSON, errors as exceptions (RunwatchException and its 409 subclasses, UnreachableException).
 *
 *     $runwatch = new Client('http://127.0.0.1:8080', getenv('RUNWATCH_TOKEN'));
 *     $run = $runwatch->createRun('inventory_sync', tenantId: 1);
 *     $runwatch->start($run['id']);                 // StartRefusedException: do not do the work
 *     $runwatch->heartbeat($run['id'], ['processed' => 10, 'total' => 50]);
 *     $runwatch->complete($run['id'], 'succeeded', ['processed' => 50]);
 *
 * Each request uses its own cURL handle, so a call made from a signal handler (Laravel's job timeout calls
 * failed() from SIGALRM) never meets a half-configured one, and cURL never uses signals itself.
 */
final class Client
{
    private const USER_AGENT = 'runwatch-php/1.0';

    private readonly string $baseUrl;

    /**
     * @param string $baseUrl        The server, e.g. `http://127.0.0.1:8080` (`/api/v1` is added).
     * @param string $token          A worker token (`runwatch token create`, `rwt_…`).
     * @param float  $connectTimeout Seconds to wait for the connection.
     * @param float  $timeout        Seconds for the whole request, connection included.
     */
    public function __construct(
        string $baseUrl,
        private readonly string $token,
        private readonly float $connectTimeout = 3.0,
        private readonly float $timeout = 10.0,
    ) {
        $this->baseUrl = rtrim($baseUrl, '/');
    }

    /** The server this client talks to, without `/api/v1`. */
    public function baseUrl(): string
    {
        return $this->baseUrl;
    }

    // Runs --------------------------------------------------------------------------------------------------

    /**
     * Creates a queued run in the token's workspace: do it where the job is dispatched, so a job that never
     * starts is visible (and healed as `run.stale_queued`).
     *
     * @param int|null    $tenantId     A tenant of the token's workspace; null for a workspace-level run.
     * @param string|null $initiator    A member's e-mail; null for a system run.
     * @param array       $context      Values shown on the run page.
     * @param array|null  $linkedRecord ['kind' => 'restore', 'id' => 'r-42'] (+ 'status', default pending): the
     *                                  domain record whose status says how this run ended; see updateLinkedRecord().
     * @return array The run object (status `queued`).
     */
    public function createRun(
        string $type,
        ?int $tenantId = null,
        ?string $initiator = null,
        array $context = [],
        ?array $linkedRecord = null,
    ): array {
        $body = ['type' => $type, 'tenant_id' => $tenantId, 'initiator' => $initiator, 'context' => self::object($context)];
        if ($linkedRecord !== null) {
            $body['linked_record'] = ['kind' => (string) ($linkedRecord['kind'] ?? ''), 'id' => (string) ($linkedRecord['id'] ?? '')];
            if (isset($linkedRecord['status'])) {
                $body['linked_record']['status'] = (string) $linkedRecord['status'];
            }
        }
        return $this->call('POST', '/runs', $body);
    }

    /** The run object. */
    public function getRun(int $runId): array
    {
        return $this->call('GET', "/runs/{$runId}");
    }

    /**
     * A page of runs, newest first: ['runs' => […], 'next' => cursor|null]. Filters: freshness, status, outcome,
     * type, tenant, limit, after (the previous page's `next`); null values are left out.
     */
    public function listRuns(array $filters = []): array
    {
        $query = http_build_query(array_filter($filters, static fn ($value) => $value !== null), '', '&', PHP_QUERY_RFC3986);
        return $this->call('GET', '/runs' . ($query === '' ? '' : "?{$query}"));
    }

    /**
     * Marks the run running, saying which worker starts it (by default this host and process, see worker()).
     *
     * @throws StartRefusedException when the work must not be done (already finished, already started, tenant
     *                               archived): do not execute it.
     */
    public function start(int $runId, ?array $worker = null): array
    {
        return $this->call('POST', "/runs/{$runId}/start", ['worker' => $worker ?? self::worker()], StartRefusedException::class);
    }

    /**
     * Progress: counts (name => whole number) are merged into the stored ones and move the heartbeat deadline.
     *
     * @throws RunFinishedException when the run was finished elsewhere: stop the work.
     */
    public function heartbeat(int $runId, array $counts = []): array
    {
        return $this->call('POST', "/runs/{$runId}/heartbeat", ['summary_counts' => self::object($counts)]);
    }

    /**
     * The final word.
     *
     * @param string $outcome  succeeded, partially_succeeded, blocked, failed or cancelled.
     * @param array  $failures [['code' => 'timeout', 'message' => '…'], …]
     * @throws RunFinishedException when the run was already finished (the report is kept as a late report).
     */
    public function complete(int $runId, string $outcome, array $counts = [], array $failures = []): array
    {
        return $this->call('POST', "/runs/{$runId}/complete", [
            'outcome' => $outcome,
            'summary_counts' => self::object($counts),
            'failures' => array_values($failures),
        ]);
    }

    /**
     * The queue's failure callback (Laravel's failed()): completes the run as failed with a reconciliation record
     * whose evidence holds the kind, exception class and message.
     *
     * @param string $kind `max_attempts`, `timeout` (→ run.infrastructure_timeout_or_abandonment) or `exception`.
     * @throws RunFinishedException when the run was already finished (recorded as a late report).
     * @throws RunConflictException `scheduled_only`: only the reconciler finishes runs of this type.
     */
    public function queueFailure(int $runId, string $kind, ?string $exceptionClass = null, ?string $message = null): array
    {
        return $this->call('POST', "/runs/{$runId}/queue-failure", [
            'kind' => $kind,
            'exception_class' => $exceptionClass,
            'message' => $message,
        ]);
    }

    /**
     * Records the status of a domain record (a restore, an import…) on every active run of the token's workspace
     * linked to it with createRun(linkedRecord: …). When the status is terminal (succeeded, failed, cancelled,
     * blocked… case-insensitive) the next reconcile pass completes those runs with `run.adapter_out_of_sync`.
     *
     * @return array ['kind' => …, 'id' => …, 'status' => …, 'runs_updated' => n] (0 when no active run links it).
     */
    public function updateLinkedRecord(string $kind, string $id, string $status): array
    {
        return $this->call('PUT', '/linked-records/' . rawurlencode($kind) . '/' . rawurlencode($id), ['status' => $status]);
    }

    /**
     * This process as a worker: host, pid and a name (the script by default), as start() sends it.
     */
    public static function worker(?string $name = null): array
    {
        $name ??= basename((string) ($_SERVER['argv'][0] ?? $_SERVER['SCRIPT_NAME'] ?? 'php')) ?: 'php';
        return [
            'host' => gethostname() ?: 'localhost',
            'pid' => getmypid() ?: null,
            'name' => self::printable($name, 200),
        ];
    }

    // Transport ---------------------------------------------------------------------------------------------

    /**
     * @param class-string<RunConflictException>|null $conflict The exception for a 409 (start: StartRefused).
     * @throws \InvalidArgumentException when the body cannot be encoded as JSON (INF, NAN, a resource): nothing was sent.
     */
    private function call(string $method, string $path, ?array $body = null, ?string $conflict = null): array
    {
        $headers = [
            'Authorization: Bearer ' . $this->token,
            'Accept: application/json',
            'User-Agent: ' . self::USER_AGENT,
            'Expect:',
        ];
        $handle = curl_init($this->baseUrl . '/api/v1' . $path);
        $options = [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADER => false,
            CURLOPT_NOSIGNAL => true,
            CURLOPT_CONNECTTIMEOUT_MS => max(1, (int) round($this->connectTimeout * 1000)),
            CURLOPT_TIMEOUT_MS => max(1, (int) round($this->timeout * 1000)),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
        ];
        if ($body !== null) {
            try {
                $options[CURLOPT_POSTFIELDS] = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
            } catch (\JsonException $error) {
                throw new \InvalidArgumentException("the request body cannot be sent as JSON: {$error->getMessage()}", 0, $error);
            }
            $headers[] = 'Content-Type: application/json';
        }
        $retryAfter = null;
        $options[CURLOPT_HTTPHEADER] = $headers;
        $options[CURLOPT_HEADERFUNCTION] = static function ($_, string $line) use (&$retryAfter): int {
            if (stripos($line, 'retry-after:') === 0) {
                $retryAfter = (int) trim(substr($line, 12));
            }
            return strlen($line);
        };
        curl_setopt_array($handle, $options);
        $answer = curl_exec($handle);
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $error = curl_error($handle);
        curl_close($handle);

        if ($answer === false || $status === 0) {
            throw new UnreachableException("cannot reach {$this->baseUrl}: " . ($error !== '' ? $error : 'no answer'));
        }
        $decoded = json_decode((string) $answer, true);
        if ($status >= 200 && $status < 300) {
            if (!is_array($decoded)) {
                throw new RunwatchException($status, 'unknown', 'the answer is not a JSON object');
            }
            return $decoded;
        }
        throw self::error($status, is_array($decoded) ? $decoded : [], $retryAfter, $conflict);
    }

    private static function error(int $status, array $answer, ?int $retryAfter, ?string $conflict): RunwatchException
    {
        $detail = is_array($answer['error'] ?? null) ? $answer['error'] : [];
        $code = is_string($detail['code'] ?? null) ? $detail['code'] : 'unknown';
        $message = is_string($detail['message'] ?? null) ? $detail['message'] : "HTTP {$status}";
        $field = is_string($detail['field'] ?? null) ? $detail['field'] : null;
        $run = is_array($answer['run'] ?? null) ? $answer['run'] : null;
        if ($status === 409) {
            $class = $conflict ?? ($code === 'already_terminal' ? RunFinishedException::class : RunConflictException::class);
            return new $class($status, $code, $message, $field, $run);
        }
        return new RunwatchException($status, $code, $message, $field, $run, $retryAfter);
    }

    /** An empty PHP array would be encoded as a JSON list; the API wants an object. */
    private static function object(array $values): array|\stdClass
    {
        return $values === [] ? new \stdClass() : $values;
    }

    private static function printable(string $text, int $limit): string
    {
        $clean = preg_replace('/[\x{0000}-\x{001F}\x{007F}-\x{009F}]/u', ' ', $text)
            ?? preg_replace('/[^\x20-\x7E]/', '?', $text);
        return function_exists('mb_substr') ? mb_substr($clean, 0, $limit) : substr($clean, 0, $limit);
    }
}
