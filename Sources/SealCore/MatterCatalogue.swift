/// The county's matter catalogue (赋权事项清单 / 事项目录) as CSV, with Chinese or English headers in any order.
public enum MatterCatalogue {
    /// A row that cannot be imported, by its line in the file.
    public struct RowError: Sendable, Equatable, Codable {
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public struct Parsed: Sendable, Equatable {
        public var matters: [Matter]
        public var errors: [RowError]
    }

    enum Column: String, CaseIterable {
        case code, name, category
        case powerType = "power_type"
        case delegatingDepartment = "delegating_department"
        case supervisingDepartment = "supervising_department"
        case crossTownship = "cross_township"
        case nonDelegable = "non_delegable"

        var chinese: String {
            switch self {
            case .code: "事项编码"
            case .name: "事项名称"
            case .category: "事项类别"
            case .powerType: "权力类型"
            case .delegatingDepartment: "赋权部门"
            case .supervisingDepartment: "监管部门"
            case .crossTownship: "跨乡镇"
            case .nonDelegable: "法定不得委托"
            }
        }
    }

    /// Parses the whole file. A header problem or malformed quoting is one error on line 1 (or the line it is on);
    /// otherwise every bad row is reported and the good rows returned.
    public static func parse(_ text: String) -> Parsed {
        let records: [CSVRecordReader.Record]
        do {
            records = try CSVRecordReader(text).records()
        } catch {
            switch error {
            case .unterminatedQuote(let line):
                return Parsed(matters: [], errors: [.init(line: line, reason: "a quoted field is never closed")])
            case .textAfterQuote(let line):
                return Parsed(matters: [], errors: [.init(line: line, reason: "text after a closing quote")])
            }
        }
        guard let header = records.first else {
            return Parsed(matters: [], errors: [.init(line: 1, reason: "the file is empty; expected a header row")])
        }
        var index: [Column: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if let column = Column.allCases.first(where: { $0.rawValue == name.lowercased() || $0.chinese == name }) {
                index[column] = i
            }
        }
        let missing = Column.allCases.filter { index[$0] == nil && $0 != .powerType }
        if !missing.isEmpty {
            return Parsed(matters: [], errors: [.init(
                line: header.line,
                reason: "missing columns: " + missing.map { "\($0.chinese) (\($0.rawValue))" }.joined(separator: ", ")
            )])
        }
        var matters: [Matter] = []
        var errors: [RowError] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            func field(_ column: Column) -> String {
                guard let i = index[column], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespaces)
            }
            var problems: [String] = []
            let code = field(.code)
            if code.isEmpty { problems.append("missing code 事项编码") }
            else if !Identifier.isValid(code, maxLength: 64) { problems.append("code \"\(code)\" may hold only letters, digits, '-' and '_'") }
            else if let first = seen[code] { problems.append("duplicate code \(code) (first on line \(first))") }
            let name = field(.name)
            if name.isEmpty { problems.append("missing name 事项名称") }
            let category = parseCategory(field(.category))
            if category == nil { problems.append("category \"\(field(.category))\" is not 行政权力事项/administrative or 公共服务事项/public-service") }
            var powerType: Matter.PowerType?
            let powerText = field(.powerType)
            if !powerText.isEmpty {
                powerType = parsePowerType(powerText)
                if powerType == nil { problems.append("power type \"\(powerText)\" is not one of 行政许可, 行政处罚, 行政确认, 行政给付, 其他") }
            } else if category == .administrative {
                problems.append("an administrative matter needs a power type 权力类型")
            }
            if category == .publicService && powerType != nil {
                problems.append("a public-service matter has no power type")
            }
            let delegating = field(.delegatingDepartment)
            if delegating.isEmpty { problems.append("missing delegating department 赋权部门") }
            let supervising = field(.supervisingDepartment)
            if supervising.isEmpty { problems.append("missing supervising department 监管部门") }
            let cross = parseFlag(field(.crossTownship))
            if cross == nil { problems.append("跨乡镇 \"\(field(.crossTownship))\" is not 是/否, yes/no or true/false") }
            let nonDelegable = parseFlag(field(.nonDelegable))
            if nonDelegable == nil { problems.append("法定不得委托 \"\(field(.nonDelegable))\" is not 是/否, yes/no or true/false") }
            if !code.isEmpty && seen[code] == nil { seen[code] = record.line }
            if !problems.isEmpty {
                errors.append(.init(line: record.line, reason: problems.joined(separator: "; ")))
                continue
            }
            matters.append(Matter(
                code: code, name: name, category: category!, powerType: powerType, delegatingDepartment: delegating,
                supervisingDepartment: supervising, crossTownship: cross!, nonDelegable: nonDelegable!
            ))
        }
        if records.count == 1 { errors.append(.init(line: header.line, reason: "the catalogue has no rows")) }
        return Parsed(matters: matters, errors: errors)
    }

    static func parseCategory(_ text: String) -> Matter.Category? {
        switch text.lowercased() {
        case "行政权力事项", "administrative": .administrative
        case "公共服务事项", "public-service", "public_service": .publicService
        default: nil
        }
    }

    static func parsePowerType(_ text: String) -> Matter.PowerType? {
        if let t = Matter.PowerType(rawValue: text) { return t }
        switch text.lowercased() {
        case "licensing": return .licensing
        case "penalty": return .penalty
        case "confirmation": return .confirmation
        case "benefit": return .benefit
        case "other": return .other
        default: return nil
        }
    }

    static func parseFlag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "是", "yes", "true": true
        case "否", "no", "false": false
        default: nil
        }
    }
}
