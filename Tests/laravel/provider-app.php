<?php

declare(strict_types=1);

// The Laravel side of the configuration, without the framework's kernel: an application container with a config
// repository and a logger, RunwatchServiceProvider registered and booted (as package discovery does), then a
// tracked job constructed. Prints what it saw as JSON for run-suite.php. RUNWATCH_URL, RUNWATCH_TOKEN and
// RUNWATCH_HEARTBEAT_INTERVAL come from the environment, as config/runwatch.php reads them with env().

require __DIR__ . '/shop/bootstrap.php';
require_once 'Illuminate/Config/autoload.php';
require __DIR__ . '/support.php';

use Illuminate\Config\Repository;
use Illuminate\Container\Container;
use Runwatch\Client;
use Runwatch\Laravel\Runwatch;
use Runwatch\Laravel\RunwatchServiceProvider;
use Shop\Jobs\BuildReport;

$app = new Container();
Container::setInstance($app);
$app->instance('config', new Repository(['app' => ['name' => 'shop']]));
$app->instance('log', $logger = new CollectingLogger());

$provider = new RunwatchServiceProvider($app);
$provider->register();
$provider->boot();

$job = new BuildReport('provider', 1);
Runwatch::warning('a warning goes to the application log');
echo json_encode([
    'run' => $job->runwatchRunId,
    'url' => Runwatch::client()?->baseUrl(),
    'same_client' => Runwatch::client() === $app->make(Client::class),
    'timeout' => $app->make('config')->get('runwatch.timeout'),
    'heartbeat_interval' => Runwatch::heartbeatInterval(),
    'log' => $logger->lines,
]), "\n";
