import RunwatchCLI

RunwatchCommand.main()
