/// The version reported by `/v1/status` and `--version`.
public enum SealkeeperVersion {
    public static let current = "0.1.0"
}
