// Module RunwatchStore.
