/// The query parameters each route of the APIs takes, by "METHOD /path/{param}" as the OpenAPI documents write the
/// route; a route not listed takes none. The daemons refuse any other parameter with `bad-request`: a misspelt
/// filter (`?sael=SEAL-0001`) answered the whole book as if it were the seal's. `QueryParameterTests` holds these
/// lists to `docs/openapi.yaml` and `docs/county-openapi.yaml`.
public enum QueryParameters {
    /// The book's filters, as `Request.bookFilter()` reads them.
    static let bookFilter: Set<String> = ["seal", "township", "from", "to", "matter", "user"]

    /// sealkeeperd's API.
    public static let township: [String: Set<String>] = [
        "GET /v1/matters": ["category"],
        "POST /v1/matters/import": ["skip_invalid"],
        "GET /v1/seals": ["status"],
        "GET /v1/custody": ["overdue"],
        "GET /v1/delegations": ["at", "township"],
        "GET /v1/events": ["since", "kind", "limit", "wait"],
        "GET /v1/book": bookFilter.union(["format", "headers"]),
        "GET /v1/book/proof": ["index", "size", "from", "to"],
        "GET /v1/book/lines": ["seal", "matter", "user", "request", "from", "to", "limit", "after", "headers"],
        "GET /v1/reports/stats": bookFilter,
        "GET /v1/reports/anomalies": bookFilter.union(["evidence"]),
        "GET /v1/requests": ["status", "mine", "limit", "after"],
        "GET /v1/uses": ["seal", "matter", "user", "request", "from", "to", "limit", "after"],
    ]

    /// sealcountyd's staff API (its Unix socket).
    public static let county: [String: Set<String>] = [
        "GET /v1/county/uses": bookFilter.union(["limit", "after"]),
        "GET /v1/county/book": bookFilter.union(["format", "headers"]),
        "GET /v1/county/reports/stats": bookFilter,
        "GET /v1/county/reports/anomalies": bookFilter,
    ]
}
