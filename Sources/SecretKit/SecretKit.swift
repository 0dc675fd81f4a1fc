// Module SecretKit.
