import Foundation

/// Finds the `Public/` directory of static assets for `serve`.
public enum PublicDirectory {
  /// The first existing directory holding `app.css` among: `explicit` (`--public`), `$RUNWATCH_PUBLIC`,
  /// `./Public`, where `make install` puts them (`<prefix>/bin/runwatch` → `<prefix>/share/runwatch/Public`),
  /// then `Public` beside the executable's ancestors (`.build/<config>/runwatch` → `../../Public`, also
  /// through the toolchain's `.build/<triple>/<config>` symlink target). Nil when none is found; an explicit
  /// path that does not hold the assets is also nil, so a typo is reported rather than ignored.
  public static func locate(
    explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> String? {
    if let explicit { return holdsAssets(explicit) ? explicit : nil }
    var candidates: [String] = []
    if let fromEnvironment = environment["RUNWATCH_PUBLIC"], !fromEnvironment.isEmpty {
      candidates.append(fromEnvironment)
    }
    candidates.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("Public").path)
    if let executablePath {
      let executable = URL(
        fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory))
      for start in [executable, executable.resolvingSymlinksInPath()] {
        candidates.append(
          start.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/runwatch/Public").path)
      }
      for start in [executable, executable.resolvingSymlinksInPath()] {
        var directory = start.deletingLastPathComponent()
        for _ in 0..<4 {
          directory = directory.deletingLastPathComponent()
          candidates.append(directory.appendingPathComponent("Public").path)
        }
      }
    }
    return candidates.first(where: holdsAssets)
  }

  static func holdsAssets(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
      && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("app.css"))
  }
}
