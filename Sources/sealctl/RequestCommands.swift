import ArgumentParser
import Crypto
import Foundation
import SealCore

struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Ask to use a seal for a case, and approve or deny such requests.",
        discussion: "States: pending → approved | denied | cancelled; approved → exhausted (all used) | expired.",
        subcommands: [Create.self, Approve.self, Deny.self, Cancel.self, List.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
                var body: [String: Any] = [
                    "seal": seal, "matter": matter, "case_number": caseNumber, "purpose": purpose.rawValue, "reason": reason,
                    "count": count, "urgent": urgent,
                ]
                if let document {
                    guard let data = FileManager.default.contents(atPath: document) else {
                        throw ClientError(code: "file-unreadable", message: "cannot read \(document)", exitCode: 66)
                    }
                    body["document_digest"] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                } else if let digest {
                    body["document_digest"] = digest
                }
                let (r, raw) = try await global.client().call(.POST, "/v1/requests", json: body)
                if global.json { return Output.printJSON(raw) }
                print(r["id"].text)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
                var body: [String: Any] = [:]
                if let count { body["count"] = count }
                if let until {
                    body["until"] = try checkedTime(until, flag: "--until")
                }
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/approve", json: body)
                if global.json { return Output.printJSON(raw) }
                print("\(r["id"].text): approved \(r["approval"]["count"].text) impression(s) until \(r["approval"]["until"].text)")
            }
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a request with a reason (approver).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/deny", json: ["reason": reason])
                if global.json { return Output.printJSON(raw) }
                print("\(r["id"].text): denied")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel your own request before it is used.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (r, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(id))/cancel")
                if global.json { return Output.printJSON(raw) }
                print("\(r["id"].text): cancelled")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List requests, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "pending, approved, denied, cancelled, exhausted, expired or urgent-unresolved.") var status: RequestState?
        @Flag(help: "Only your own requests.") var mine = false

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().call(.GET, "/v1/requests" + query([("status", status?.rawValue), ("mine", mine ? "true" : nil)]))
                if global.json { return Output.printJSON(raw) }
                Output.printTable(["ID", "SEAL", "MATTER", "CASE", "REQUESTER", "COUNT", "USED", "STATE", "URGENT"], answer["requests"].array.map { v in
                    let r = v["request"]
                    return [r["id"].text, r["seal"].text, r["matter"].text, r["case_number"].text, r["requester"].text, r["count"].text,
                            r["used"].text, v["state"].text, r["urgent"].bool == true ? (v["urgent_unresolved"].bool == true ? "UNRESOLVED" : "yes") : ""]
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a request with its approval, uses and remaining count.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (v, raw) = try await global.client().call(.GET, "/v1/requests/\(escape(id))")
                if global.json { return Output.printJSON(raw) }
                let r = v["request"]
                var rows = [
                    ("id", r["id"].text), ("seal", r["seal"].text), ("matter", r["matter"].text), ("case", r["case_number"].text),
                    ("purpose", r["purpose"].text), ("reason 事由", r["reason"].text), ("requested", r["count"].text),
                    ("requester", r["requester"].text), ("state", v["state"].text), ("in the book", r["used"].text), ("made", "\(r["made"].text) (what the approval counts; a correction never lowers it)"), ("remaining", v["remaining"].text),
                ]
                if r["urgent"].bool == true { rows.append(("urgent", v["urgent_unresolved"].bool == true ? "yes — UNRESOLVED" : "yes")) }
                if !r["approval"].isNull {
                    rows.append(("approved", "\(r["approval"]["count"].text) by \(r["approval"]["approver"].text) until \(r["approval"]["until"].text)"))
                }
                if !r["denial"].isNull { rows.append(("denied", "by \(r["denial"]["by"].text): \(r["denial"]["reason"].text)")) }
                if !r["document_digest"].isNull { rows.append(("document", r["document_digest"].text)) }
                Output.printFields(rows)
                if !v["uses"].array.isEmpty {
                    print("\nuses:")
                    BookCommand.List.printLines(v["uses"].array)
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
                var body: [String: Any] = ["request": request, "count": count]
                if let note { body["note"] = note }
                let (u, raw) = try await global.client().call(.POST, "/v1/uses", json: body)
                if global.json { return Output.printJSON(raw) }
                print("\(u["id"].text): \(u["seal"].text) №\(u["serial"].text), \(u["count"].text) impression(s)\(u["urgent"].bool == true ? " (urgent)" : "")")
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
                var body: [String: Any] = ["count": count]
                if let document {
                    guard let data = FileManager.default.contents(atPath: document) else {
                        throw ClientError(code: "file-unreadable", message: "cannot read \(document)", exitCode: 66)
                    }
                    body["digest"] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                } else if let digest {
                    body["digest"] = digest
                }
                if let note { body["note"] = note }
                let (answer, raw) = try await global.client().call(.POST, "/v1/requests/\(escape(request))/sign", json: body)
                if let saveDir {
                    let directory = URL(fileURLWithPath: saveDir, isDirectory: true)
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    try Data(base64Encoded: answer["statement"].text)?.write(to: directory.appendingPathComponent("statement.json"))
                    try Data(base64Encoded: answer["signature"].text)?.write(to: directory.appendingPathComponent("signature.der"))
                    try Data(answer["certificate"].text.utf8).write(to: directory.appendingPathComponent("certificate.pem"))
                }
                if global.json { return Output.printJSON(raw) }
                let u = answer["use"]
                print("\(u["id"].text): \(u["seal"].text) №\(u["serial"].text), \(u["count"].text) impression(s), signed by card \(answer["certificate_fingerprint"].text.prefix(16))…")
                if let saveDir { print("saved statement.json, signature.der, certificate.pem in \(saveDir)") }
            }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a use's count (admin): a correction entry referencing it; nothing is edited or deleted."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Use id.") var id: String
        @Option(parsing: .unconditional, help: "The right count (0 when nothing was stamped).") var count: Int
        @Option(help: "Why.") var reason: String

        func validate() throws { try checkCount(count, minimum: 0) }

        func run() async throws {
            try await runReporting {
                let (u, raw) = try await global.client().call(.POST, "/v1/uses/\(escape(id))/correct", json: ["count": count, "reason": reason])
                if global.json { return Output.printJSON(raw) }
                print("\(u["id"].text): corrected from \(u["recorded_count"].text) to \(u["count"].text)")
            }
        }
    }
}
