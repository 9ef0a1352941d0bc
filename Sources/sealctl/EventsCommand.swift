import ArgumentParser
import Foundation

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
                let (answer, raw) = try await client.call(.GET, path)
                let events = answer["events"].array
                if global.json {
                    if follow {
                        for e in events { Output.printJSONLine(e.value) }
                    } else {
                        Output.printJSON(raw)
                    }
                } else {
                    Self.printEvents(events, header: !follow || after == since)
                }
                after = events.last?["seq"].int ?? after
                if !follow && events.count < limit { break }
            } while true
        }
    }

    static func printEvents(_ events: [JSON], header: Bool = true) {
        let rows = events.map { e -> [String] in
            let actor = e["actor"]
            var who = actor["staff"].text.isEmpty ? (actor["user"].text.isEmpty ? "uid \(actor["uid"].text)" : actor["user"].text) : actor["staff"].text
            if !actor["tool_uid"].isNull { who += " via uid \(actor["tool_uid"].text)" }
            return [e["seq"].text, e["time"].text, e["kind"].text, e["subject"].text, who, summary(e["payload"])]
        }
        if header {
            Output.printTable(["SEQ", "TIME", "KIND", "SUBJECT", "ACTOR", "DETAILS"], rows)
        } else {
            for row in rows { print(row.joined(separator: "  ")) }
            Output.finishStandardOutput()
        }
    }

    static func summary(_ payload: JSON) -> String {
        let text = payload.text
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
