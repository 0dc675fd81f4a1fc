extension LifecyclePolicy {
  /// Interim fingerprint until the YAML renderer lands.
  public var fingerprint: String { String(describing: self) }
}
