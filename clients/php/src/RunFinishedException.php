<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * 409 already_terminal on a report: the run was finished elsewhere (often: reconciled after the worker went
 * quiet). Stop the work; the report was kept as a late report.
 */
class RunFinishedException extends RunConflictException
{
}
