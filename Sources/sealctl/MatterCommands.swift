import ArgumentParser
import Foundation
import SealCore

struct MatterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matter", abstract: "Import and list the matter catalogue (事项目录).",
        subcommands: [Import.self, List.self, Show.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a catalogue CSV (admin), upserting by code.",
            discussion: """
                Columns by header, in any order, Chinese or English: 事项编码/code, 事项名称/name, 事项类别/category \
                (行政权力事项 or 公共服务事项), 权力类型/power_type, 赋权部门/delegating_department, \
                监管部门/supervising_department, 跨乡镇/cross_township, 法定不得委托/non_delegable (是/否, yes/no, \
                true/false); 事项类别 may be left blank or out when 权力类型 gives the national type (行政许可, 行政处罚, 行政强制, \
                行政征收, 行政给付, 行政检查, 行政确认, 行政奖励, 行政裁决, 其他行政权力; or 公共服务). UTF-8 with or without BOM, or \
                GB18030/GBK as Excel and WPS save it on Chinese Windows (detected; --encoding to say so), CRLF or LF. Any bad row: nothing is imported and every bad line \
                is listed, unless --skip-invalid.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The catalogue CSV file.") var file: String
        @Flag(name: .customLong("skip-invalid"), help: "Import the good rows and report the bad ones.") var skipInvalid = false
        @Option(help: "utf-8 or gb18030 (GBK): the file's encoding, when detection is not wanted.") var encoding: CatalogueText.Encoding?

        func run() async throws {
            try await runReporting {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ClientError(code: "file-unreadable", message: "cannot read \(file)", exitCode: 66)
                }
                let (r, raw) = try await global.client().call(
                    .POST, "/v1/matters/import" + query([("skip_invalid", skipInvalid ? "true" : nil)]),
                    contentType: "text/csv" + (encoding.map { "; charset=\($0.rawValue)" } ?? ""), raw: data
                )
                if global.json { return Output.printJSON(raw) }
                if r["encoding"].text == "gb18030" {
                    let how = r["encoding_detected"].bool == true ? "the file is not UTF-8; read as GB18030 (GBK), as Excel and WPS save CSV on Chinese Windows" : "read as GB18030"
                    FileHandle.standardError.write(Data("encoding: \(how)\n".utf8))
                }
                print("imported \(r["imported"].text) new, updated \(r["updated"].text), unchanged \(r["unchanged"].text), skipped \(r["skipped"].text)")
                for line in r["errors"].array {
                    FileHandle.standardError.write(Data("skipped line \(line["line"].text): \(line["reason"].text)\n".utf8))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List matters.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "administrative (行政权力事项) or public-service (公共服务事项).") var category: Matter.Category?

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().call(.GET, "/v1/matters" + query([("category", category?.rawValue)]))
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["CODE", "NAME", "CATEGORY", "POWER TYPE", "DELEGATING DEPT", "FLAGS"],
                    answer["matters"].array.map { m in
                        let flags = [m["cross_township"].bool == true ? "cross-township" : nil, m["non_delegable"].bool == true ? "non-delegable" : nil]
                        return [m["code"].text, m["name"].text, m["category"].text, m["power_type"].text, m["delegating_department"].text, flags.compactMap { $0 }.joined(separator: ",")]
                    }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one matter.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String

        func run() async throws {
            try await runReporting {
                let (m, raw) = try await global.client().call(.GET, "/v1/matters/\(escape(code))")
                if global.json { return Output.printJSON(raw) }
                Output.printFields([
                    ("code", m["code"].text), ("name", m["name"].text), ("category", m["category"].text),
                    ("power type", m["power_type"].text), ("delegating department", m["delegating_department"].text),
                    ("supervising department", m["supervising_department"].text),
                    ("cross-township", m["cross_township"].text), ("non-delegable", m["non_delegable"].text),
                ])
            }
        }
    }
}
