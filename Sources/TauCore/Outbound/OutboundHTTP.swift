/// The domain of outbound fetches.
public enum OutboundErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.unavailable
}

/// Errors of an outbound fetch. Messages name the host and the reason, never a transport's
/// own text, so that a caller who chose the URL learns nothing about the node's network
/// beyond the reason code; the transport's error is kept as the ``CodedError/cause``.
///
/// Codes: `outbound_url_invalid`, `outbound_address_refused`, `outbound_dns_failed`,
/// `outbound_connect_failed`, `outbound_timeout`, `outbound_response_too_large`.
public typealias OutboundError = CodedError<OutboundErrors>

extension CodedError where Domain == OutboundErrors {
    /// The policy refused the destination (`outbound_address_refused`): no packet was sent.
    public static func addressRefused(_ message: String) -> Self { Self(Self.addressRefusedCode, message) }
    static let addressRefusedCode = "outbound_address_refused"
    /// Whether the policy refused the destination, as opposed to a failure on the way.
    public var isAddressRefused: Bool { code == Self.addressRefusedCode }
    /// The answer was longer than the request allowed (`outbound_response_too_large`).
    public static func responseTooLarge(_ message: String) -> Self { Self(Self.responseTooLargeCode, message) }
    static let responseTooLargeCode = "outbound_response_too_large"
    /// Whether the answer was longer than the request allowed.
    public var isResponseTooLarge: Bool { code == Self.responseTooLargeCode }
}

/// One HTTP request the node sends to an address a remote party named.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Most bytes of response body read; more is `outbound_response_too_large`.
    public var maximumResponseBytes: Int
    /// Deadline for the whole exchange.
    public var timeout: Duration

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        maximumResponseBytes: Int, timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.maximumResponseBytes = maximumResponseBytes
        self.timeout = timeout
    }
}

/// The answer to an ``OutboundRequest``. Redirects are not followed: a 3xx comes back as is.
public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends requests under an ``OutboundPolicy``. TauIdentity implements it over
/// async-http-client (`PolicedHTTPClient`); everything that fetches from an address a remote
/// party chose takes one of these, so that one policy governs every such fetch.
public protocol OutboundHTTP: Sendable {
    /// Sends `request` if the policy allows its destination.
    /// - Throws: ``OutboundError``.
    func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse
}

extension OutboundHTTP {
    /// GETs `url` with an `Accept` header.
    public func get(_ url: String, accept: String, maximumBytes: Int, timeout: Duration = .seconds(10)) async throws(OutboundError)
        -> OutboundResponse
    {
        try await send(
            OutboundRequest(
                url: url, headers: [("Accept", accept), ("User-Agent", "tau-node")], maximumResponseBytes: maximumBytes,
                timeout: timeout))
    }
}
