<?php

declare(strict_types=1);

namespace Runwatch\Laravel;

use Illuminate\Support\ServiceProvider;
use Runwatch\Client;

/**
 * Laravel's side of the configuration (found by package discovery): config/runwatch.php gives the Client
 * singleton, and Runwatch::configure() hands it, with the application's logger, to TracksRunwatchRun jobs. The
 * client is built on first use; without a url and token, jobs run untracked with a warning.
 */
final class RunwatchServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->mergeConfigFrom(dirname(__DIR__, 2) . '/config/runwatch.php', 'runwatch');

        $this->app->singleton(Client::class, static function ($app): ?Client {
            $config = $app->make('config');
            $url = (string) $config->get('runwatch.url', '');
            $token = (string) $config->get('runwatch.token', '');
            if ($url === '' || $token === '') {
                return null;
            }
            return new Client(
                $url,
                $token,
                (float) $config->get('runwatch.connect_timeout', 3),
                (float) $config->get('runwatch.timeout', 10),
            );
        });
    }

    public function boot(): void
    {
        if (method_exists($this, 'publishes') && function_exists('config_path')) {
            $this->publishes([dirname(__DIR__, 2) . '/config/runwatch.php' => config_path('runwatch.php')], 'runwatch-config');
        }
        $app = $this->app;
        Runwatch::configure(
            static fn (): ?Client => $app->make(Client::class),
            $app->bound('log') ? $app->make('log') : null,
            (float) $app->make('config')->get('runwatch.heartbeat_interval', 1),
        );
    }
}
