/// A TCP address as configuration files write it: `host:port` or `[v6]:port`. One reading for `[metrics] listen`,
/// the county's `[townships] listen` and the township's `[county] url`.
public struct HostPort: Sendable, Equatable {
    public var host: String
    public var port: Int

    /// Nil unless the text is a host and a port in `ports`.
    public init?(_ text: String, ports: ClosedRange<Int> = 1...65535) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let number = Int(port), ports.contains(number) else { return nil }
        self.host = String(host)
        self.port = number
    }

    public var isLoopback: Bool { Self.isLoopback(host) }

    /// Whether a host name or address stays on this machine (where plain HTTP is acceptable).
    public static func isLoopback(_ host: String) -> Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}
