<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * 409: the run's current state refuses this report (see the subclasses). The report was kept on the run as a
 * late report; `$run` is the run as it is now.
 */
class RunConflictException extends RunwatchException
{
}
