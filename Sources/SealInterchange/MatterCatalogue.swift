import SealCore
import SealWire

/// The county's matter catalogue (赋权事项清单 / 事项目录) as CSV, with Chinese or English headers in any order.
public enum MatterCatalogue {
    /// A row that cannot be imported, by its line in the file (as the error answer lists it).
    public typealias RowError = ErrorBody.LineError

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
        // 事项类别 may be absent when 权力类型 says it (the national classification does); one of them must be there.
        var missing = Column.allCases.filter { index[$0] == nil && $0 != .powerType && $0 != .category }
        if index[.category] == nil && index[.powerType] == nil { missing.append(.category) }
        if !missing.isEmpty {
            return Parsed(matters: [], errors: [.init(
                line: header.line,
                reason: "missing columns: " + missing.map { "\($0.chinese) (\($0.rawValue))" }.joined(separator: ", ")
                    + (missing.contains(.category) ? " (or 权力类型 (power_type))" : "")
            )])
        }
        var matters: [Matter] = []
        var errors: [RowError] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            func field(_ column: Column) -> String {
                guard let i = index[column], i < record.fields.count else { return "" }
                // A cell broken over lines in Excel (Alt+Enter) is one line of a form here: breaks become spaces.
                let text = record.fields[i].split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\t" })
                    .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                return text.trimmingCharacters(in: .whitespaces)
            }
            var problems: [String] = []
            for column in Column.allCases {
                if let problem = FieldLimits.problem(field: column.rawValue, value: field(column)) { problems.append("\(column.chinese): \(problem)") }
            }
            let code = field(.code)
            if code.isEmpty { problems.append("missing code 事项编码") }
            else if !Identifier.isValid(code, maxLength: 64) { problems.append("code \"\(code)\" may hold only letters, digits, '-' and '_'") }
            else if let first = seen[code] { problems.append("duplicate code \(code) (first on line \(first))") }
            let name = field(.name)
            if name.isEmpty { problems.append("missing name 事项名称") }
            var category: Matter.Category?
            var powerType: Matter.PowerType?
            switch classify(category: field(.category), type: field(.powerType)) {
            case .success(let kind): (category, powerType) = kind
            case .failure(let problem): problems.append(problem.reason)
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

    struct Problem: Error {
        var reason: String
    }

    /// 事项类别 and 权力类型 together: the category is inferred from the type when blank, and only a true
    /// contradiction (a public-service matter with a power type, an administrative one without) is refused.
    static func classify(category categoryText: String, type typeText: String) -> Result<(Matter.Category, Matter.PowerType?), Problem> {
        var category: Matter.Category?
        if !categoryText.isEmpty {
            category = parseCategory(categoryText)
            if category == nil {
                return .failure(Problem(reason: "category \"\(categoryText)\" is not 行政权力事项/administrative or 公共服务事项/public-service"))
            }
        }
        var powerType: Matter.PowerType?
        var typeSaysService = false
        if !typeText.isEmpty {
            if let service = parseCategory(typeText), service == .publicService {
                typeSaysService = true
            } else if let type = parsePowerType(typeText) {
                powerType = type
            } else {
                let valid = Matter.PowerType.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(Problem(reason: "power type \"\(typeText)\" is not one of \(valid), or 公共服务"))
            }
        }
        switch (category, powerType, typeSaysService) {
        case (nil, nil, false):
            return .failure(Problem(reason: "neither a category 事项类别 nor a power type 权力类型"))
        case (nil, let type?, _), (.administrative, let type?, _):
            return .success((.administrative, type))
        case (nil, nil, true), (.publicService, nil, _):
            return .success((.publicService, nil))
        case (.administrative, nil, true):
            return .failure(Problem(reason: "category 行政权力事项 contradicts the power type \"\(typeText)\""))
        case (.administrative, nil, false):
            return .failure(Problem(reason: "an administrative matter needs a power type 权力类型"))
        case (.publicService, let type?, _):
            return .failure(Problem(reason: "a public-service matter has no power type, but this one says \(type.rawValue)"))
        }
    }

    static func parseCategory(_ text: String) -> Matter.Category? {
        switch text.lowercased() {
        case "行政权力事项", "行政权力", "administrative": .administrative
        case "公共服务事项", "公共服务", "公共服务类", "public-service", "public_service", "public service": .publicService
        default: nil
        }
    }

    /// The national types by their full names, their usual short forms (许可, 处罚), with 类/事项 after them, or in
    /// English.
    static func parsePowerType(_ text: String) -> Matter.PowerType? {
        var name = text.trimmingCharacters(in: .whitespaces)
        for suffix in ["事项", "类"] where name.hasSuffix(suffix) && name.count > suffix.count { name.removeLast(suffix.count) }
        if name == "其他" || name == "其他权力" || name == "其它" || name == "其它行政权力" { return .other }
        for type in Matter.PowerType.allCases {
            if name == type.rawValue || name.lowercased() == type.englishName || "行政" + name == type.rawValue { return type }
        }
        return nil
    }

    static func parseFlag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "是", "yes", "true": true
        case "否", "no", "false": false
        default: nil
        }
    }
}

/// A catalogue refused as a whole: every bad line with its reason, and how the file was read.
public struct CatalogueRefusal: Error, Sendable {
    public var errors: [MatterCatalogue.RowError]
    /// `utf-8` or `gb18030`, and whether that was detected or declared.
    public var encoding: String
    public var encodingDetected: Bool

    public init(errors: [MatterCatalogue.RowError], encoding: String, encodingDetected: Bool) {
        self.errors = errors
        self.encoding = encoding
        self.encodingDetected = encodingDetected
    }
}
