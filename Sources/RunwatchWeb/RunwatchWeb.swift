// Module RunwatchWeb.
