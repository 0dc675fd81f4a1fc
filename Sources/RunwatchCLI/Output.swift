import Foundation

/// Writes a human message to stderr; stdout is kept for machine-readable output.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
