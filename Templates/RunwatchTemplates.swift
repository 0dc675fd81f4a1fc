// Module RunwatchTemplates.
