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

extension JournalEntry {
    /// What `book verify` needs of an entry whose text it does not parse: its number, its kind, and whether its
    /// payload has a `signature` member (read only for `use.recorded`, whose card signature is then checked).
    public struct CanonicalHead: Sendable, Equatable {
        public var sequence: Int64
        public var kind: String
        public var payloadHasSignature: Bool
    }

    /// The head of `bytes` when they are exactly a journal entry's canonical encoding — the same answer as
    /// `JournalEntry(json: JSONValue(parsing: bytes))?.canonicalBytes == bytes`, in one pass without building the
    /// entry (`CanonicalJSONScanner`) — else nil.
    public static func canonicalHead(_ bytes: UnsafeBufferPointer<UInt8>) -> CanonicalHead? {
        let scan = CanonicalJSONScanner(bytes)
        // Exactly the five members `json` writes, in canonical order, each of the type `init?(json:)` reads back.
        guard let top = scan.members(), top.count == 5, scan.equals(top[0].name, "actor"), scan.equals(top[1].name, "kind"),
              scan.equals(top[2].name, "payload"), scan.equals(top[3].name, "seq"), scan.equals(top[4].name, "time"),
              let sequence = scan.integer(top[3].value), let kind = scan.string(top[1].value),
              bytes[top[4].value.lowerBound] == UInt8(ascii: "\""), let actor = scan.members(in: top[0].value)
        else { return nil }
        // The actor: `uid`, and `staff`, `user` (strings) and `tool_uid` when present; anything else, or a number
        // out of a uid's range, would be dropped when read back.
        var hasUID = false
        for member in actor {
            let first = bytes[member.value.lowerBound]
            if scan.equals(member.name, "staff") || scan.equals(member.name, "user") {
                guard first == UInt8(ascii: "\"") else { return nil }
            } else if scan.equals(member.name, "uid") || scan.equals(member.name, "tool_uid") {
                guard let n = scan.integer(member.value), UInt32(exactly: n) != nil else { return nil }
                hasUID = hasUID || scan.equals(member.name, "uid")
            } else {
                return nil
            }
        }
        guard hasUID else { return nil }
        var signed = false
        if kind == "use.recorded", let payload = scan.members(in: top[2].value) {
            signed = payload.contains { scan.equals($0.name, "signature") }
        }
        return CanonicalHead(sequence: sequence, kind: kind, payloadHasSignature: signed)
    }
}
