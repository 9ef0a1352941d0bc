import ArgumentParser
import SealCore
import SealInterchange

// Values a person types, checked here with the flag's name and the valid choices before anything reaches the
// daemon: `--role boss` must say which roles exist, not what the JSON decoder thought of `roles.0`.

extension Role: ExpressibleByArgument {}
extension Seal.Kind: ExpressibleByArgument {}
extension Seal.Medium: ExpressibleByArgument {}
extension Seal.Status: ExpressibleByArgument {}
extension UseRequest.Purpose: ExpressibleByArgument {}

extension Matter.Category: ExpressibleByArgument {
    /// The API's names, or the catalogue's own words (行政权力事项, 公共服务事项, 公共服务).
    public init?(argument: String) {
        switch argument {
        case "administrative", "行政权力事项", "行政权力": self = .administrative
        case "public-service", "公共服务事项", "公共服务": self = .publicService
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["administrative", "public-service", "行政权力事项", "公共服务事项"] }
}

/// `request list --status`: a stored state, or `urgent-unresolved`.
enum RequestState: String, CaseIterable, ExpressibleByArgument {
    case pending, approved, denied, cancelled, exhausted, expired
    case urgentUnresolved = "urgent-unresolved"
}

/// A calendar date typed as `YYYY-MM-DD`.
struct DateArgument: ExpressibleByArgument, CustomStringConvertible {
    let date: LocalDate
    init?(argument: String) {
        guard let date = LocalDate(argument) else { return nil }
        self.date = date
    }
    var description: String { date.description }
    static var defaultCompletionKind: CompletionKind { .default }

    /// For `@Option(transform:)`: the message says what a date looks like.
    static func parse(_ text: String) throws -> DateArgument {
        guard let value = DateArgument(argument: text) else { throw ValidationError("not a date: write it as YYYY-MM-DD, e.g. 2026-01-01") }
        return value
    }
}

/// Checks a count a person typed (`--count -1` included: counts are parsed unconditionally, so a negative number
/// is read as a number and refused here, not taken for an unknown flag).
func checkCount(_ count: Int?, flag: String = "--count", minimum: Int = 1) throws {
    guard let count, count < minimum else { return }
    throw ValidationError("\(flag) must be at least \(minimum), not \(count)")
}

extension BookTable.Headers: ExpressibleByArgument {}

/// `book export --format`.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case csv, xlsx, html, bundle
}

extension CatalogueText.Encoding: ExpressibleByArgument {}
