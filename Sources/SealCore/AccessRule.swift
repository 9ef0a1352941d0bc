/// One entry of an `[access]` list: `user:NAME`, `uid:N`, `group:NAME` or `gid:N`.
public enum AccessRule: Sendable, Hashable, CustomStringConvertible {
    case user(String)
    case uid(UInt32)
    case group(String)
    case gid(UInt32)

    /// Parses the configuration form; returns nil for anything else.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        guard !value.isEmpty, !value.contains(where: { $0.isWhitespace }) else { return nil }
        switch kind {
        case "user": self = .user(value)
        case "group": self = .group(value)
        case "uid":
            guard let n = UInt32(value) else { return nil }
            self = .uid(n)
        case "gid":
            guard let n = UInt32(value) else { return nil }
            self = .gid(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .user(let name): "user:\(name)"
        case .uid(let n): "uid:\(n)"
        case .group(let name): "group:\(name)"
        case .gid(let n): "gid:\(n)"
        }
    }

    /// Whether this rule names the principal, directly or through one of its groups.
    public func matches(_ principal: UnixPrincipal) -> Bool {
        switch self {
        case .user(let name): principal.userName == name
        case .uid(let n): principal.uid == n
        case .group(let name): principal.groups.contains { $0.name == name }
        case .gid(let n): principal.gid == n || principal.groups.contains { $0.gid == n }
        }
    }
}
