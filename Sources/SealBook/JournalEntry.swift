/// Who made a change: the staff member (when known), the Unix user behind the connection, and the trusted tool's
/// uid when the change was made on a staff member's behalf.
public struct JournalActor: Sendable, Equatable, Codable {
    public var staff: String?
    public var user: String?
    public var uid: UInt32
    /// uid of the trusted tool that acted on `staff`'s behalf.
    public var toolUID: UInt32?

    public init(staff: String?, user: String?, uid: UInt32, toolUID: UInt32? = nil) {
        self.staff = staff
        self.user = user
        self.uid = uid
        self.toolUID = toolUID
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["uid": .int(Int64(uid))]
        if let staff { members["staff"] = .string(staff) }
        if let user { members["user"] = .string(user) }
        if let toolUID { members["tool_uid"] = .int(Int64(toolUID)) }
        return .object(members)
    }

    init?(json: JSONValue) {
        guard let uid = json["uid"]?.intValue, let n = UInt32(exactly: uid) else { return nil }
        self.uid = n
        staff = json["staff"]?.stringValue
        user = json["user"]?.stringValue
        toolUID = json["tool_uid"]?.intValue.flatMap { UInt32(exactly: $0) }
    }
}

/// One state change in the register's journal. Its canonical bytes are what the Merkle leaf hashes.
public struct JournalEntry: Sendable, Equatable {
    /// 1, 2, 3, … with no gaps; the leaf index is `sequence - 1`.
    public var sequence: Int64
    /// RFC 3339 UTC, second precision.
    public var time: String
    public var actor: JournalActor
    /// What happened, e.g. `seal.added`, `delegation.revoked`.
    public var kind: String
    public var payload: JSONValue

    public init(sequence: Int64, time: String, actor: JournalActor, kind: String, payload: JSONValue) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.kind = kind
        self.payload = payload
    }

    /// The entry as one canonical JSON object.
    public var json: JSONValue {
        ["seq": .int(sequence), "time": .string(time), "actor": actor.json, "kind": .string(kind), "payload": payload]
    }

    public var canonicalBytes: [UInt8] { json.canonicalBytes }

    /// The RFC 6962 leaf hash of the canonical bytes.
    public var leafHash: TreeHash { TreeHash.leaf(canonicalBytes) }

    /// Reads an entry back from its JSON form.
    public init?(json: JSONValue) {
        guard let sequence = json["seq"]?.intValue, let time = json["time"]?.stringValue,
            let actorJSON = json["actor"], let actor = JournalActor(json: actorJSON),
            let kind = json["kind"]?.stringValue, let payload = json["payload"]
        else { return nil }
        self.init(sequence: sequence, time: time, actor: actor, kind: kind, payload: payload)
    }
}
