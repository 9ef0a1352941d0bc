import ArgumentParser
import Crypto
import Foundation
import SealCore
import SealWire

struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Ask to use a seal for a case, and approve or deny such requests.",
        discussion: "States: pending → approved | denied | cancelled; approved → exhausted (all used) | expired.",
        subcommands: [Create.self, Approve.self, Deny.self, Cancel.self, List.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Request a seal for a matter and a case (clerk); prints the request id.",
            discussion: """
                The request is checked against every rule at once (seal active, a delegation in force covering seal \
                and matter, seal kind, 委托受理 vs decision, cross-township, non-delegable); a request that could never \
                be used is refused with the rule's code. --urgent (紧急用印) lets the custodian record the use before \
                approval; it must still be approved within the configured window.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Seal id.") var seal: String
        @Option(help: "Matter code.") var matter: String
        @Option(name: .customLong("case"), help: "Case number (办件编号).") var caseNumber: String
        @Option(help: "acceptance, decision or other.") var purpose: UseRequest.Purpose
        @Option(help: "Reason (事由).") var reason: String
        @Option(parsing: .unconditional, help: "Number of impressions (用印数).") var count: Int
        @Option(help: "The document to be stamped: its SHA-256 is recorded.") var document: String?
        @Option(help: "The document's SHA-256 (hex) instead of the file.") var digest: String?
        @Flag(help: "Urgent use (紧急用印): may be used before approval.") var urgent = false

        func validate() throws { try checkCount(count) }

        func run() async throws {
            try await runReporting {
                let body = NewUseRequest(
                    seal: seal, matter: matter, caseNumber: caseNumber, purpose: purpose, reason: reason, count: count,
                    documentDigest: try documentDigest(file: document, hex: digest), urgent: urgent
                )
                let (r, raw) = try await global.client().call(.POST, "/v1/requests", body: body, as: UseRequest.self)
                if global.json { return Output.printJSON(raw) }
                print(r.id)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve a request (approver; never your own).",
            discussion: "--until takes RFC 3339 or local time; default: the end of today in the register's time zone."
        )
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(parsing: .unconditional, help: "Approve fewer impressions than requested.") var count: Int?
        @Option(help: "Valid until this time.") var until: String?

        func validate() throws { try checkCount(count) }

        func run() async throws {
            try await runReporting {
                let body = RequestApproval(count: count, until: try until.map { try checkedTime($0, flag: "--until") })
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/approve", body: body, as: UseRequest.self)
                if global.json { return Output.printJSON(raw) }
                print("\(r.id): approved \(r.approval.map { String($0.count) } ?? "") impression(s) until \(r.approval?.until ?? "")")
            }
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny a request with a reason (approver).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/deny", body: RequestDenial(reason: reason), as: UseRequest.self)
                if global.json { return Output.printJSON(raw) }
                print("\(r.id): denied")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel your own request before it is used.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/cancel", as: UseRequest.self)
                if global.json { return Output.printJSON(raw) }
                print("\(r.id): cancelled")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List requests, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "pending, approved, denied, cancelled, exhausted, expired or urgent-unresolved.") var status: RequestState?
        @Flag(help: "Only your own requests.") var mine = false

        func run() async throws {
            try await runReporting {
                let client = try global.client()
                let filters = [("status", status?.rawValue), ("mine", mine ? "true" : nil)]
                // The daemon answers a page at a time, newest first; each page is printed as it comes.
                if global.json {
                    // One `{"requests":[…]}` object, each request as the daemon wrote it, indented as it is written.
                    var pretty = PrettyJSON()
                    var out: [UInt8] = []
                    func emit(_ bytes: some Sequence<UInt8>) throws {
                        do {
                            try pretty.feed(bytes, into: &out)
                        } catch {
                            throw ClientError(code: "bad-answer", message: "the daemon's page of requests is not JSON", exitCode: 76)
                        }
                        Output.write(Data(out))
                        out.removeAll(keepingCapacity: true)
                    }
                    try emit(#"{"requests":["#.utf8)
                    var after: String?
                    var first = true
                    repeat {
                        let body = try await client.send(.GET, "/v1/requests" + query(filters + [("after", after)]))
                        after = try BookCommand.ListPage.cursor(body)
                        var items: [UInt8] = []
                        try BookCommand.ListPage.items(body, under: "requests") { item in
                            if !first { items.append(UInt8(ascii: ",")) }
                            items.append(contentsOf: item)
                            first = false
                        }
                        try emit(items)
                    } while after != nil
                    try emit("]}".utf8)
                    return Output.write(Data("\n".utf8))
                }
                var widths: [Int]?
                var after: String?
                repeat {
                    let (page, _) = try await client.get("/v1/requests" + query(filters + [("after", after)]), as: RequestListView.self)
                    widths = Output.printTable(
                        ["ID", "SEAL", "MATTER", "CASE", "REQUESTER", "COUNT", "USED", "STATE", "URGENT"], header: widths == nil, widths: widths ?? [],
                        page.items.map { v in
                            let r = v.request
                            return [r.id, r.seal, r.matter, r.caseNumber, r.requester, String(r.count), String(r.used), v.state.rawValue,
                                    r.urgent ? (v.urgentUnresolved ? "UNRESOLVED" : "yes") : ""]
                        }
                    )
                    after = page.next
                } while after != nil
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a request with its approval, uses and remaining count.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (v, raw) = try await global.client().get("/v1/requests/\(escape(id))", as: UseRequestView.self)
                if global.json { return Output.printJSON(raw) }
                let r = v.request
                var rows = [
                    ("id", r.id), ("seal", r.seal), ("matter", r.matter), ("case", r.caseNumber), ("purpose", r.purpose.rawValue),
                    ("reason 事由", r.reason), ("requested", String(r.count)), ("requester", r.requester), ("state", v.state.rawValue),
                    ("in the book", String(r.used)), ("made", "\(r.made) (what the approval counts; a correction never lowers it)"),
                    ("remaining", String(v.remaining)),
                ]
                if r.urgent { rows.append(("urgent", v.urgentUnresolved ? "yes — UNRESOLVED" : "yes")) }
                if let approval = r.approval {
                    rows.append(("approved", "\(approval.count) by \(approval.approver) until \(approval.until)"))
                }
                if let denial = r.denial { rows.append(("denied", "by \(denial.by): \(denial.reason)")) }
                if let digest = r.documentDigest { rows.append(("document", digest)) }
                Output.printFields(rows)
                if !v.uses.isEmpty {
                    print("\nuses:")
                    BookCommand.List.printLines(v.uses)
                }
            }
        }
    }
}

struct UseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use", abstract: "Record uses of seals in the usage book (印章使用登记本) and correct them.",
        subcommands: [Record.self, Sign.self, Correct.self]
    )

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record a physical stamping under an approved request (the seal's custodian or an admin).",
            discussion: "While the seal is carried out, only its carrier records uses. The 用印人 is the requester."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request id.") var request: String
        @Option(parsing: .unconditional, help: "Impressions made (用印数).") var count: Int
        @Option(help: "A note for the book.") var note: String?

        func validate() throws { try checkCount(count) }

        func run() async throws {
            try await runReporting {
                let (u, raw) = try await global.client().call(.POST, "/v1/uses", body: UseRecord(request: request, count: count, note: note), as: UseView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(u.id): \(u.seal) №\(u.serial), \(u.count) impression(s)\(u.urgent ? " (urgent)" : "")")
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Sign a document with an electronic seal under an approved request (the requester, 用印人).",
            discussion: """
                The seal's card (bound, present and unlocked by its custodian) signs a canonical use statement naming \
                the seal, its certificate, the request, matter, case, the document's SHA-256, count, time and user. \
                With --save-dir the statement, the DER signature and the certificate are written there, and \
                `openssl dgst -sha256 -verify <(openssl x509 -in certificate.pem -pubkey -noout) -signature \
                signature.der statement.json` checks them.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request id.") var request: String
        @Option(help: "The document being sealed: its SHA-256 is signed.") var document: String?
        @Option(help: "The document's SHA-256 (hex) instead of the file, for tools.") var digest: String?
        @Option(parsing: .unconditional, help: "Impressions (用印数).") var count = 1
        @Option(help: "A note for the book.") var note: String?
        @Option(help: "Write statement.json, signature.der and certificate.pem into this directory.") var saveDir: String?

        func validate() throws { try checkCount(count) }

        func run() async throws {
            try await runReporting {
                let body = SignRequest(digest: try documentDigest(file: document, hex: digest), count: count, note: note)
                let (answer, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(request))/sign", body: body, as: SignedUseView.self)
                if let saveDir {
                    let directory = URL(fileURLWithPath: saveDir, isDirectory: true)
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    try Data(base64Encoded: answer.statement)?.write(to: directory.appendingPathComponent("statement.json"))
                    try Data(base64Encoded: answer.signature)?.write(to: directory.appendingPathComponent("signature.der"))
                    try Data(answer.certificate.utf8).write(to: directory.appendingPathComponent("certificate.pem"))
                }
                if global.json { return Output.printJSON(raw) }
                let u = answer.use
                print("\(u.id): \(u.seal) №\(u.serial), \(u.count) impression(s), signed by card \(answer.certificateFingerprint.prefix(16))…")
                if let saveDir { print("saved statement.json, signature.der, certificate.pem in \(saveDir)") }
            }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "correct",
            abstract: "Correct a use's count (admin): a correction entry referencing it; nothing is edited or deleted."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Use id.") var id: String
        @Option(parsing: .unconditional, help: "The right count (0 when nothing was stamped).") var count: Int
        @Option(help: "Why.") var reason: String

        func validate() throws { try checkCount(count, minimum: 0) }

        func run() async throws {
            try await runReporting {
                let (u, raw) = try await global.client().call(.POST, "/v1/uses/\(escape(id))/correct", body: UseCorrection(count: count, reason: reason), as: UseView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(u.id): corrected from \(u.recordedCount) to \(u.count)")
            }
        }
    }
}

/// The SHA-256 (hex) of the document file, or the digest given as is, or none.
private func documentDigest(file: String?, hex: String?) throws -> String? {
    guard let file else { return hex }
    guard let data = FileManager.default.contents(atPath: file) else {
        throw ClientError(code: "file-unreadable", message: "cannot read \(file)", exitCode: 66)
    }
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
