import SealBook
import SealCore
import SealWire

/// Who is calling: the Unix principal from the socket, the roles it holds, and, when a trusted tool acts on behalf
/// of a staff member, that staff member.
public struct Caller: Sendable, Equatable {
    public var principal: UnixPrincipal
    public var roles: [Role]
    public var isTrustedTool: Bool
    /// The staff id named by `Sealkeeper-On-Behalf-Of`, accepted only from a trusted tool.
    public var onBehalfOf: String?
    /// The staff member acting: the one named on behalf of, or the one linked to the Unix user.
    public var staffID: String?

    public init(principal: UnixPrincipal, roles: [Role], isTrustedTool: Bool, onBehalfOf: String? = nil, staffID: String? = nil) {
        self.principal = principal
        self.roles = roles
        self.isTrustedTool = isTrustedTool
        self.onBehalfOf = onBehalfOf
        self.staffID = staffID ?? onBehalfOf
    }

    /// How the journal records this caller: the staff member, the Unix user, and the tool when on behalf.
    public var journalActor: JournalActor {
        JournalActor(
            staff: staffID, user: principal.userName, uid: principal.uid,
            toolUID: onBehalfOf != nil ? principal.uid : nil
        )
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}
