<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * Runwatch did not answer at all (connection refused, DNS, a timeout, a connection cut mid-answer).
 * Monitoring must never stop the work: log it and carry on untracked.
 */
class UnreachableException extends \RuntimeException
{
}
