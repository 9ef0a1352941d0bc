import ArgumentParser
import Foundation
import SealBook
import SealWire

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "List journal entries in order (inspector or admin).",
        discussion: "--kind takes a kind (seal.added) or a prefix ending in a dot (custody.). --follow waits for new entries."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only entries after this sequence number.") var since: Int = 0
    @Option(help: "Only this kind, or kinds under a prefix ending in '.'.") var kind: String?
    @Option(help: "At most this many per page.") var limit: Int = 1000
    @Flag(help: "Keep waiting for new entries (Ctrl-C to stop).") var follow = false

    func run() async throws {
        try await runReporting {
            var after = since
            let client = global.client()
            repeat {
                let path = "/v1/events" + query([
                    ("since", String(after)), ("kind", kind), ("limit", String(limit)), ("wait", follow ? "30" : nil),
                ])
                let (answer, raw) = try await client.get(path, as: EventListView.self)
                let events = answer.items
                if global.json {
                    if follow {
                        for e in events { Output.printJSONLine(e) }
                    } else {
                        Output.printJSON(raw)
                    }
                } else {
                    Self.printEvents(events, header: !follow || after == since)
                }
                after = events.last.map { Int($0.seq) } ?? after
                if !follow && events.count < limit { break }
            } while true
        }
    }

    static func printEvents(_ events: [JournalEntryView], header: Bool = true) {
        let rows = events.map { e -> [String] in
            let actor = e.actor
            var who = actor.staff ?? actor.user ?? "uid \(actor.uid)"
            if let tool = actor.toolUID { who += " via uid \(tool)" }
            return [String(e.seq), e.time, e.kind, e.subject ?? "", who, summary(e.payload)]
        }
        if header {
            Output.printTable(["SEQ", "TIME", "KIND", "SUBJECT", "ACTOR", "DETAILS"], rows)
        } else {
            for row in rows { print(row.joined(separator: "  ")) }
            Output.finishStandardOutput()
        }
    }

    static func summary(_ payload: JSONValue) -> String {
        let text = Output.text(payload)
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
