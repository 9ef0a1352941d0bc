import Foundation

/// A person at the service centre: administrator, clerk, approver or inspector.
public struct Staff: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var roles: [Role]
    /// The Unix user who acts as this staff member directly, when linked.
    public var unixUser: String?
    public var disabled: Bool

    public init(id: String, name: String, roles: [Role], unixUser: String? = nil, disabled: Bool = false) {
        self.id = id
        self.name = name
        self.roles = roles
        self.unixUser = unixUser
        self.disabled = disabled
    }

    /// Validates a new staff record: an id of letters, digits, `-` or `_`; a name; at least one role.
    public static func validateNew(id: String, name: String, roles: [Role]) throws(SealError) {
        guard Identifier.isValid(id) else {
            throw SealError(.invalidField, "staff id \"\(id)\" must be 1–32 letters, digits, '-' or '_'")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SealError(.invalidField, "a staff member needs a name")
        }
        guard !roles.isEmpty else {
            throw SealError(.invalidField, "a staff member needs at least one role")
        }
    }
}

/// Identifiers people type: staff ids, matter codes.
public enum Identifier {
    public static func isValid(_ text: String, maxLength: Int = 32) -> Bool {
        !text.isEmpty && text.count <= maxLength
            && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

