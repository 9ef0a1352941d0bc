import Foundation
import SealCore
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
}
