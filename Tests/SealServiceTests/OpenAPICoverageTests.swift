import Foundation
import SealCore
import SealWire
import Testing

/// The OpenAPI document and the daemon must describe the same API: every route (error codes: ErrorStatusTests).
@Suite("OpenAPI document")
struct OpenAPICoverageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var spec: String { document("docs/openapi.yaml") }
    static func document(_ path: String) -> String { (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? "" }

    static func sources(_ module: String) -> [String] {
        let directory = root.appendingPathComponent("Sources/\(module)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".swift") }.compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    /// "METHOD /path/{param}" for every route the daemon registers.
    static var routesInCode: Set<String> { routes(in: "SealService") }

    static func routes(in module: String) -> Set<String> {
        var routes = Set<String>()
        let pattern = try! NSRegularExpression(pattern: #"router\.(get|post|put|delete|patch)\("([^"]+)"\)"#)
        let protocolRoute = try! NSRegularExpression(pattern: #"\broute\("([a-z-]+)", limit:"#)
        for text in sources(module) {
            // The townships' protocol routes go through WitnessServer's `route(_:limit:what:)`, all POST.
            for match in protocolRoute.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                routes.insert("POST /" + String(text[Range(match.range(at: 1), in: text)!]))
            }
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                var path = String(text[Range(match.range(at: 2), in: text)!])
                path = path.replacingOccurrences(of: #":([a-z_]+)"#, with: "{$1}", options: .regularExpression)
                // The witness's submission prefix is configured; the document shows the call under the empty prefix.
                path = path.replacingOccurrences(of: "\\(settings.prefix)", with: "")
                // The helper behind those protocol routes registers them with a variable path, counted above.
                if path == "/\\(path)" { continue }
                if path.contains("\\(action.rawValue)") {
                    for action in SealLifecycle.Action.allCases {
                        routes.insert("\(method) \(path.replacingOccurrences(of: "\\(action.rawValue)", with: action.rawValue))")
                    }
                } else {
                    routes.insert("\(method) \(path)")
                }
            }
        }
        return routes
    }

    static var routesInSpec: Set<String> { routes(inDocument: spec) }

    static func routes(inDocument spec: String) -> Set<String> {
        var routes = Set<String>()
        var current: String?
        for line in spec.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") { current = String(line.dropFirst(2).dropLast()); continue }
            if line.hasPrefix("components:") { current = nil }
            if let current, let method = ["get", "post", "put", "delete", "patch"].first(where: { line == "    \($0):" }) {
                routes.insert("\(method.uppercased()) \(current)")
            }
        }
        return routes
    }

    @Test("every route in the code is in the document, and nothing else")
    func routesMatch() {
        let code = Self.routesInCode
        let spec = Self.routesInSpec
        #expect(code.count > 20)
        #expect(code.subtracting(spec).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(spec.subtracting(code).sorted() == [], "documented routes the daemon does not serve")
    }

    @Test("sealcountyd's routes and docs/county-openapi.yaml match too")
    func countyRoutesMatch() {
        let code = Self.routes(in: "SealCounty")
        let spec = Self.routes(inDocument: Self.document("docs/county-openapi.yaml"))
        #expect(code.contains("POST /add-checkpoint") && code.contains("GET /v1/county/status"))
        #expect(code.subtracting(spec).sorted() == [], "routes missing from docs/county-openapi.yaml")
        #expect(spec.subtracting(code).sorted() == [], "documented routes sealcountyd does not serve")
        // Every code only the county answers with is documented there.
        let errors = Self.document("docs/county-openapi.yaml")
        for code in SealError.Code.countyOnly { #expect(errors.contains("`\(code.rawValue)`"), "\(code.rawValue)") }
    }

    /// "METHOD /path" → the names of its query parameters, inline (`- { name: seal, in: query, … }`) or by
    /// reference to `components/parameters`, for every operation of the document.
    static func queryParameters(inDocument spec: String) -> [String: Set<String>] {
        let lines = spec.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func match(_ line: String, _ pattern: Regex<(Substring, Substring)>) -> String? { line.firstMatch(of: pattern).map { String($0.1) } }
        // components/parameters: each entry's name when it is in the query, on one line or over the lines below it.
        var components: [String: String] = [:]
        if let start = lines.firstIndex(of: "components:"), let section = lines[start...].firstIndex(of: "  parameters:") {
            var current: (key: String, name: String?, query: Bool)?
            func finish() { if let c = current, c.query, let name = c.name { components[c.key] = name } }
            for line in lines[(section + 1)...] {
                if !line.hasPrefix("    ") { break }
                if let key = match(line, /^    ([A-Za-z]+):/) {
                    finish()
                    current = (key, nil, false)
                }
                if let name = match(line, /\bname: ([A-Za-z_-]+)/) { current?.name = name }
                if line.contains("in: query") { current?.query = true }
            }
            finish()
        }
        var result: [String: Set<String>] = [:]
        var path: String?
        var operation: String?
        for line in lines {
            if line == "components:" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); operation = nil; continue }
            if let path, let method = match(line, /^    (get|post|put|delete|patch):$/) {
                operation = "\(method.uppercased()) \(path)"
                result[operation!] = []
                continue
            }
            guard let operation else { continue }
            if line.contains("in: query"), let name = match(line, /\bname: ([A-Za-z_-]+)/) { result[operation]!.insert(name) }
            for reference in line.matches(of: /#\/components\/parameters\/([A-Za-z]+)/) {
                if let name = components[String(reference.1)] { result[operation]!.insert(name) }
            }
        }
        return result
    }

    @Test("the query parameters the daemons take are the document's, route by route")
    func queryParametersMatch() {
        let township = Self.queryParameters(inDocument: Self.spec)
        #expect(township.count == Self.routesInSpec.count)
        #expect(township["GET /v1/uses"]?.contains("seal") == true && township["GET /v1/book"]?.contains("township") == true)
        #expect(Set(QueryParameters.township.keys).subtracting(township.keys).sorted() == [], "routes in the table the document lacks")
        for (route, names) in township.sorted(by: { $0.key < $1.key }) {
            #expect(QueryParameters.township[route] ?? [] == names, "\(route): the code takes \((QueryParameters.township[route] ?? []).sorted()), the document lists \(names.sorted())")
        }
        // The county's staff API; its protocol routes for townships (C2SP) are served on another listener.
        let county = Self.queryParameters(inDocument: Self.document("docs/county-openapi.yaml")).filter { !$0.key.hasPrefix("POST /add-") && $0.key != "POST /restore" }
        #expect(county["GET /v1/county/uses"]?.contains("township") == true)
        #expect(Set(QueryParameters.county.keys).subtracting(county.keys).sorted() == [], "routes in the table the document lacks")
        for (route, names) in county.sorted(by: { $0.key < $1.key }) {
            #expect(QueryParameters.county[route] ?? [] == names, "\(route): the code takes \((QueryParameters.county[route] ?? []).sorted()), the document lists \(names.sorted())")
        }
    }
}
