import Foundation
import SealCore
import TOMLKit

/// Why a configuration file was refused: the file, the key (dotted path) and, when the parser gives it, the line.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var line: Int?
    public var reason: String

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let key { where_ += ": \(key)" }
        return "\(where_): \(reason)"
    }
}

/// Typed access to a TOML table that turns every mismatch into a `ConfigurationError` naming the key.
public struct TOMLReader {
    public let file: String

    public init(file: String) { self.file = file }

    /// The file's text; nil when it is missing and not `required`.
    public static func fileText(path: String, required: Bool) throws(ConfigurationError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigurationError(file: path, key: nil, line: nil, reason: "file not found") }
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, key: nil, line: nil, reason: "cannot read the file as UTF-8 text")
        }
        return text
    }

    /// Parses TOML text, naming the line of a syntax error.
    public static func table(_ text: String, file: String) throws(ConfigurationError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: file, key: nil, line: error.source.begin.line, reason: error.description)
        } catch {
            throw ConfigurationError(file: file, key: nil, line: nil, reason: "\(error)")
        }
    }

    /// An octal permission mode such as "0660".
    public func mode(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> UInt16? {
        guard let v = try string(table, dotted) else { return nil }
        guard v.count >= 3, v.count <= 4, let mode = UInt16(v, radix: 8), mode <= 0o777 else {
            throw error(dotted, "\"\(v)\" is not an octal permission mode such as \"0660\"")
        }
        return mode
    }

    /// "8h", "30m", "90s", "1d" or a combination such as "1h30m".
    public static func duration(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var number = ""
        for c in text {
            if c.isASCII, c.isNumber {
                number.append(c)
                continue
            }
            guard let n = Double(number) else { return nil }
            switch c {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86_400
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total > 0 ? total : nil
    }


    public func error(_ key: String?, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, key: key, line: nil, reason: reason)
    }

    public func sections(_ root: TOMLTable, allowed: [String]) throws(ConfigurationError) {
        for key in root.keys.sorted() where !allowed.contains(key) {
            let kind = root[key]?.type == .table ? "unknown section [\(key)]" : "unknown key at top level"
            throw error(key, "\(kind); expected one of: \(allowed.map { "[\($0)]" }.joined(separator: ", "))")
        }
    }

    public func keys(_ table: TOMLTable, section: String, allowed: [String]) throws(ConfigurationError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error("\(section).\(key)", "unknown key; [\(section)] takes: \(allowed.joined(separator: ", "))")
        }
    }

    public func table(_ root: TOMLTable, _ key: String) throws(ConfigurationError) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else { throw error(key, "expected a section [\(key)], found \(value.type)") }
        return table
    }

    public func string(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> String? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let string = value.string else { throw error(dotted, "expected a string, found \(value.type)") }
        return string
    }

    public func int(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> Int? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let int = value.int else { throw error(dotted, "expected an integer, found \(value.type)") }
        return int
    }

    public func bool(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> Bool? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let bool = value.bool else { throw error(dotted, "expected true or false, found \(value.type)") }
        return bool
    }

    public func strings(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> [String]? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let array = value.array else { throw error(dotted, "expected an array of strings, found \(value.type)") }
        var out: [String] = []
        for element in array {
            guard let text = element.string, !text.isEmpty else { throw error(dotted, "expected non-empty strings") }
            out.append(text)
        }
        return out
    }

    public func path(_ value: String, _ dotted: String) throws(ConfigurationError) -> String {
        guard value.hasPrefix("/") || value.hasPrefix(".") else {
            throw error(dotted, "\"\(value)\" must be an absolute path (or start with ./)")
        }
        return value
    }

    public func rules(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> [AccessRule]? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let array = value.array else { throw error(dotted, "expected an array of strings, found \(value.type)") }
        var rules: [AccessRule] = []
        for element in array {
            guard let text = element.string else {
                throw error(dotted, "expected an array of strings, found an element of type \(element.type)")
            }
            guard let rule = AccessRule(text) else {
                throw error(dotted, "\"\(text)\" is not \"user:NAME\", \"uid:N\", \"group:NAME\" or \"gid:N\"")
            }
            rules.append(rule)
        }
        return rules
    }

    private func leaf(_ dotted: String) -> String {
        String(dotted.split(separator: ".").last ?? "")
    }
}
