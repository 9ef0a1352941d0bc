import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SealCore
@testable import SealService
import SealWire
import Testing

/// Each error code answers with one HTTP status, the one docs/openapi.yaml lists it under.
@Suite("Error codes and their statuses")
struct ErrorStatusTests {
    /// The Error schema's list: `- 409: `a`, `b`…` lines (continued on the following lines), then the start-up codes.
    static let documented: (statuses: [String: Int], startUp: Set<String>) = {
        let spec = OpenAPICoverageTests.spec
        let start = spec.range(of: "Codes, by HTTP status:")!.upperBound
        let end = spec.range(of: "      type: object", range: start..<spec.endIndex)!.lowerBound
        let code = try! NSRegularExpression(pattern: #"`([a-z][a-z-]*)`"#)
        // Fields of the error body and config keys are written in backticks too; they are not codes.
        var statuses: [String: Int] = [:]
        var startUp = Set<String>()
        var status: Int?
        var inStartUp = false
        for line in spec[start..<end].split(separator: "\n").map(String.init) {
            if let match = line.firstMatch(of: /^\s*- (\d{3}):/) { status = Int(match.1) }
            if line.contains("Start-up failures") { inStartUp = true }
            for m in code.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                let name = String(line[Range(m.range(at: 1), in: line)!])
                if inStartUp { startUp.insert(name) } else if let status { statuses[name] = status }
            }
        }
        return (statuses, startUp)
    }()

    @Test("the document lists every code the daemon has, each under exactly the status of its kind")
    func documentMatchesCodes() {
        let (statuses, startUp) = Self.documented
        #expect(statuses.count > 50)
        let all = Set(SealError.Code.all.map(\.rawValue))
        #expect(Set(statuses.keys).union(startUp) == all, "codes in the document vs SealError.Code.all")
        for code in SealError.Code.all {
            if startUp.contains(code.rawValue) {
                #expect(code.kind == .internal, "start-up failure \(code.rawValue) is never an HTTP answer")
            } else {
                #expect(statuses[code.rawValue] == code.kind.httpStatus, "\(code.rawValue): documented \(statuses[code.rawValue] ?? 0), kind gives \(code.kind.httpStatus)")
            }
        }
    }

    @Test("every documented code, thrown from a route, reaches the client with its documented status and code")
    func everyCodeThroughTheMiddleware() async throws {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.get("/fail/:code") { _, context -> String in
            throw SealError(SealError.Code(rawValue: context.parameters.get("code")!), "refused")
        }
        let app = Application(router: router)
        try await app.test(.router) { client in
            for (code, status) in Self.documented.statuses.sorted(by: { $0.key < $1.key }) {
                let response = try await client.execute(uri: "/fail/\(code)", method: .get)
                #expect(Int(response.status.code) == status, "\(code)")
                let body = try WireJSON.decoder.decode(ErrorBody.self, from: Data(buffer: response.body))
                #expect(body.error.code == code)
            }
        }
    }
}
