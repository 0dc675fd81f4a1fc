<?php

declare(strict_types=1);

namespace Runwatch;

/**
 * 409 on start: the run may not be executed (`already_terminal`, `already_started`, `tenant_archived`…).
 * Do not do the work.
 */
class StartRefusedException extends RunConflictException
{
}
