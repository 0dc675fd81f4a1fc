<?php

declare(strict_types=1);

// A Laravel queue without the framework (the "Capsule" way): Debian's illuminate/queue 8.83, the database driver
// on SQLite, Runwatch configured through Runwatch::configure(). Shared by the suite (the dispatching side) and
// worker.php (the worker side), like a Laravel app's bootstrap.

require_once 'Illuminate/Queue/autoload.php';
require_once 'Illuminate/Bus/autoload.php';
require_once 'Illuminate/Events/autoload.php';
require_once 'Illuminate/Database/autoload.php';
require_once __DIR__ . '/../../../clients/php/autoload.php';
require_once __DIR__ . '/jobs.php';

use Illuminate\Container\Container;
use Illuminate\Database\Capsule\Manager as Database;
use Illuminate\Queue\Capsule\Manager as Queue;
use Runwatch\Client;
use Runwatch\Laravel\Runwatch;

/**
 * The queue connections of the shop, each on its own SQLite file (SQLite serialises writers; one file per group
 * of workers keeps them from locking each other out):
 *
 * - `database` (and `doomed`, `timeouts`, `restores`): retry_after 30 s, above every job's $timeout + a margin —
 *   the timing rule holds;
 * - `short-*`: retry_after 3 s, below the $timeout of SlowImport — the timing rule broken on purpose;
 * - `redelivery`: retry_after 3 s, so a job whose worker died is soon handed to another one.
 */
const SHOP_CONNECTIONS = [
    'database' => ['file' => 'queue-main.sqlite', 'retry_after' => 30],
    'doomed' => ['file' => 'queue-doomed.sqlite', 'retry_after' => 30],
    'timeouts' => ['file' => 'queue-timeouts.sqlite', 'retry_after' => 30],
    'restores' => ['file' => 'queue-restores.sqlite', 'retry_after' => 30],
    'redelivery' => ['file' => 'queue-redelivery.sqlite', 'retry_after' => 3],
    'short-untracked' => ['file' => 'queue-short-untracked.sqlite', 'retry_after' => 3],
    'short-tracked' => ['file' => 'queue-short-tracked.sqlite', 'retry_after' => 3],
];

function shop_boot(string $directory): Queue
{
    $container = new Container();
    Container::setInstance($container);
    $container->instance(Illuminate\Contracts\Container\Container::class, $container);
    $events = new Illuminate\Events\Dispatcher($container);
    $container->instance('events', $events);
    $container->instance(Illuminate\Contracts\Events\Dispatcher::class, $events);
    $bus = new Illuminate\Bus\Dispatcher($container);
    $container->instance(Illuminate\Contracts\Bus\Dispatcher::class, $bus);

    $database = new Database($container);
    foreach (SHOP_CONNECTIONS as $name => $connection) {
        $database->addConnection([
            'driver' => 'sqlite',
            'database' => "{$directory}/{$connection['file']}",
            'prefix' => '',
            'foreign_key_constraints' => false,
        ], $name);
    }
    $database->setEventDispatcher($events);
    $container->instance('db', $database->getDatabaseManager());

    $queue = new Queue($container);
    foreach (SHOP_CONNECTIONS as $name => $connection) {
        $queue->addConnection([
            'driver' => 'database',
            'connection' => $name,
            'table' => 'jobs',
            'queue' => 'default',
            'retry_after' => $connection['retry_after'],
        ], $name);
    }
    $queue->setAsGlobal();
    $container->instance('queue', $queue->getQueueManager());
    return $queue;
}

/** Creates each connection's database and `jobs` table (Laravel's `queue:table` migration). */
function shop_migrate(Queue $queue, string $directory): void
{
    $manager = $queue->getContainer()->make('db');
    foreach (SHOP_CONNECTIONS as $name => $connection) {
        touch("{$directory}/{$connection['file']}");
        $manager->connection($name)->getSchemaBuilder()->create('jobs', static function ($table): void {
            $table->bigIncrements('id');
            $table->string('queue')->index();
            $table->longText('payload');
            $table->unsignedTinyInteger('attempts');
            $table->unsignedInteger('reserved_at')->nullable();
            $table->unsignedInteger('available_at');
            $table->unsignedInteger('created_at');
        });
    }
}

/** Runwatch for this process, from RUNWATCH_URL and RUNWATCH_TOKEN (as config/runwatch.php reads them). */
function shop_configure_runwatch(?object $logger = null): void
{
    $url = getenv('RUNWATCH_URL');
    $token = getenv('RUNWATCH_TOKEN');
    Runwatch::configure(
        $url && $token ? new Client($url, $token, connectTimeout: 2.0, timeout: 5.0) : null,
        $logger,
        heartbeatInterval: 0.5,
    );
}
