import ArgumentParser
import Foundation
import SealCore
import SealInterchange
import SealWire

struct MatterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matter", abstract: "Import and list the matter catalogue (事项目录).",
        subcommands: [Import.self, List.self, Show.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
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
                let (r, raw) = try await global.client().upload(
                    "/v1/matters/import" + query([("skip_invalid", skipInvalid ? "true" : nil)]), data,
                    contentType: "text/csv" + (encoding.map { "; charset=\($0.rawValue)" } ?? ""), as: MatterImportView.self
                )
                if global.json { return Output.printJSON(raw) }
                if r.encoding == "gb18030" {
                    let how = r.encodingDetected ? "the file is not UTF-8; read as GB18030 (GBK), as Excel and WPS save CSV on Chinese Windows" : "read as GB18030"
                    FileHandle.standardError.write(Data("encoding: \(how)\n".utf8))
                }
                print("imported \(r.imported) new, updated \(r.updated), unchanged \(r.unchanged), skipped \(r.skipped)")
                for line in r.errors {
                    FileHandle.standardError.write(Data("skipped line \(line.line): \(line.reason)\n".utf8))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List matters.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "administrative (行政权力事项) or public-service (公共服务事项).") var category: Matter.Category?

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/matters" + query([("category", category?.rawValue)]), as: MatterListView.self)
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["CODE", "NAME", "CATEGORY", "POWER TYPE", "DELEGATING DEPT", "FLAGS"],
                    answer.items.map { m in
                        let flags = [m.crossTownship ? "cross-township" : nil, m.nonDelegable ? "non-delegable" : nil]
                        return [m.code, m.name, m.category.rawValue, m.powerType?.rawValue ?? "", m.delegatingDepartment, flags.compactMap { $0 }.joined(separator: ",")]
                    }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one matter.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String

        func run() async throws {
            try await runReporting {
                let (m, raw) = try await global.client().get("/v1/matters/\(escape(code))", as: Matter.self)
                if global.json { return Output.printJSON(raw) }
                Output.printFields([
                    ("code", m.code), ("name", m.name), ("category", m.category.rawValue), ("power type", m.powerType?.rawValue ?? ""),
                    ("delegating department", m.delegatingDepartment), ("supervising department", m.supervisingDepartment),
                    ("cross-township", m.crossTownship ? "yes" : "no"), ("non-delegable", m.nonDelegable ? "yes" : "no"),
                ])
            }
        }
    }
}
