<?php

declare(strict_types=1);

// For applications without Composer: `require 'path/to/clients/php/autoload.php';` loads Runwatch\… classes
// from src/ on first use (PSR-4, the same mapping as composer.json).

spl_autoload_register(static function (string $class): void {
    $prefix = 'Runwatch\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $path = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($path)) {
        require $path;
    }
});
