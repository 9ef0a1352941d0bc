/// The register's identifiers: a prefix and a number counted from one, zero-padded to a width (`USE-000042`,
/// `SEAL-0001`); a number wider than the padding is written whole (`USE-1000000`), as `%06d` writes it. Made
/// without `String(format:)`, which went through Foundation's locale machinery at every use recorded.
public enum RegisterID {
    public static func seal(_ number: Int) -> String { make("SEAL-", number, width: 4) }
    public static func delegation(_ number: Int) -> String { make("DLG-", number, width: 4) }
    public static func request(_ number: Int) -> String { make("REQ-", number, width: 6) }
    public static func use(_ number: Int) -> String { make("USE-", number, width: 6) }

    static func make(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
