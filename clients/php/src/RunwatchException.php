<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * An answer other than success: the HTTP status and the API's {"error": {code, message, field}}.
 *
 * getCode() returns the API's error code (`invalid_field`, `already_terminal`…), as PDOException does with its
 * SQLSTATE; getMessage() the API's message.
 */
class RunwatchException extends \RuntimeException
{
    /**
     * @param int         $status     HTTP status (401, 409, 422…).
     * @param string      $errorCode  The API's `error.code`.
     * @param string      $message    The API's `error.message`.
     * @param string|null $field      422 only: the field at fault (`summary_counts.processed`, `tenant_id`…).
     * @param array|null  $run        409 only: the run as it is now (the body's `run`).
     * @param int|null    $retryAfter 503 only: seconds to wait before sending the same request again.
     */
    public function __construct(
        public readonly int $status,
        string $errorCode,
        string $message,
        public readonly ?string $field = null,
        public readonly ?array $run = null,
        public readonly ?int $retryAfter = null,
    ) {
        parent::__construct("HTTP {$status} {$errorCode}: {$message}");
        $this->code = $errorCode;
        $this->apiMessage = $message;
    }

    /** The API's `error.message`, without the status and code prefix of getMessage(). */
    public readonly string $apiMessage;

    /** The API's `error.code` (the same as getCode()). */
    public function errorCode(): string
    {
        return (string) $this->code;
    }
}
