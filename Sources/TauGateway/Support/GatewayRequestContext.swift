import Hummingbird
import NIOCore
import TauCore

/// The request context of every route: Hummingbird's core context plus the address of the
/// client, which the per-address limits charge.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer; nil when the request did not come over a socket (in-process tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client as the per-address limits count it: its IPv4 address, or the /64 network
    /// of its IPv6 address (one subscriber usually holds a whole /64, so counting single
    /// IPv6 addresses would give one client 2^64 buckets); `unknown` without a socket.
    var clientAddress: String { Self.clientKey(remoteAddress?.ipAddress) }

    static func clientKey(_ text: String?) -> String {
        guard let text, let address = IPAddress(text) else { return text ?? "unknown" }
        if let inner = address.embeddedIPv4, address.bytes.starts(with: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]) {
            return inner.description
        }
        guard !address.isIPv4, let network = IPAddress(bytes: Array(address.bytes.prefix(8)) + Array(repeating: 0, count: 8)) else {
            return address.description
        }
        return "\(network)/64"
    }
}
