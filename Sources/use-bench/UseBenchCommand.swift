import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `use-bench`: the write load of `make bench`, compiled. `clients` keep-alive connections at once, each asking for a
/// request of 50 impressions (as S003), approving it (S002) and using it one impression at a time (S001), `per-client`
/// uses in all; prints the rate over the whole run (requests and approvals included) and each use's mean and p99
/// latency as one JSON object (`--http-floor`: the same for a call that does nothing). Python clients spent about as much CPU per use as the daemon and shared its two cores.
@main
struct UseBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "use-bench")

    @Option var socket: String
    @Option var clients = 32
    @Option(name: .customLong("per-client")) var perClient = 500
    @Option var tag = "bench"
    /// Instead of uses, `GET /v1/whoami` (identity and a small answer, nothing read or written): the rate the HTTP
    /// stack itself allows on this machine, the ceiling any write rate is under.
    @Flag(name: .customLong("http-floor")) var httpFloor = false

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let base = "http+unix://\(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket)"
        let (perClient, tag, httpFloor) = (self.perClient, self.tag, self.httpFloor)
        let started = ContinuousClock.now
        let latencies: [Double]
        do {
            latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for i in 0..<clients {
                    group.addTask { try await httpFloor ? Self.floor(http, base, count: perClient) : Self.client(http, base, batch: "\(tag)-\(i)", count: perClient) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        let elapsed = Self.seconds(ContinuousClock.now - started)
        try await http.shutdown()
        let sorted = latencies.sorted()
        let mean = sorted.reduce(0, +) / Double(max(1, sorted.count))
        let p99 = sorted.isEmpty ? 0 : sorted[max(0, Int(Double(sorted.count) * 0.99) - 1)]
        print(#"{"uses": \#(sorted.count), "seconds": \#(elapsed), "rate": \#(Double(sorted.count) / elapsed), "mean": \#(mean), "p99": \#(p99)}"#)
    }

    /// One client: `count` uses, 50 per approved request; each use's latency in seconds.
    static func client(_ http: HTTPClient, _ base: String, batch: String, count: Int) async throws -> [Double] {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        for part in stride(from: 0, to: count, by: 50) {
            let request = try await call(http, base + "/v1/requests", staff: "S003", body: """
                {"seal":"SEAL-0001","matter":"XK-001","case_number":"BENCH-\(batch)-\(part)","purpose":"decision","reason":"压测批次\(batch)","count":50}
                """)
            guard let id = (try JSONSerialization.jsonObject(with: Data(request.readableBytesView)) as? [String: Any])?["id"] as? String else {
                throw Failed(description: "POST /v1/requests answered no id")
            }
            _ = try await call(http, base + "/v1/requests/\(id)/approve", staff: "S002", body: "{}")
            for _ in 0..<min(50, count - part) {
                let t = ContinuousClock.now
                _ = try await call(http, base + "/v1/uses", staff: "S001", body: #"{"request":"\#(id)","count":1}"#)
                latencies.append(seconds(ContinuousClock.now - t))
            }
        }
        return latencies
    }

    /// One client: `count` calls of `GET /v1/whoami`; each one's latency in seconds.
    static func floor(_ http: HTTPClient, _ base: String, count: Int) async throws -> [Double] {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        for _ in 0..<count {
            let t = ContinuousClock.now
            let response = try await http.execute(HTTPClientRequest(url: base + "/v1/whoami"), timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw Failed(description: "GET /v1/whoami: \(response.status.code)") }
            latencies.append(seconds(ContinuousClock.now - t))
        }
        return latencies
    }

    static func call(_ http: HTTPClient, _ url: String, staff: String, body: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Sealkeeper-On-Behalf-Of", value: staff)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw Failed(description: "POST \(url.split(separator: "/", maxSplits: 3).last ?? ""): \(response.status.code) \(String(buffer: answer).prefix(200))")
        }
        return answer
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
