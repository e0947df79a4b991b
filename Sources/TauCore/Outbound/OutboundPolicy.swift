import Foundation

/// Which addresses the node may connect to when it fetches something a remote party named:
/// did:web hosts, log sources, peer endpoints learned from hello and gossip, `TauMesh`
/// service endpoints, the catalog URL, and the agent's `http_fetch`.
///
/// Public unicast addresses are allowed. Loopback, private (RFC 1918), link-local (which
/// holds the cloud metadata address 169.254.169.254), CGNAT, IPv6 unique-local and the other
/// special-purpose blocks below are refused unless the operator allows a block in config
/// (`[outbound] allow`), as tests and meshes on one machine or one LAN do.
public struct OutboundPolicy: Sendable, Equatable {
    /// Blocks the operator allows even though they are special (e.g. `127.0.0.0/8`).
    public var allowed: [IPNetwork]

    public init(allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// Public addresses only: the default.
    public static let publicOnly = OutboundPolicy()

    /// Public addresses plus loopback, for tests and meshes on one machine.
    public static let allowingLoopback = OutboundPolicy(allowed: [IPNetwork("127.0.0.0/8"), IPNetwork("::1/128")].compactMap { $0 })

    /// Special-purpose blocks (IANA registries, RFC 6890) with the name a refusal gives.
    public static let specialBlocks: [(network: IPNetwork, name: String)] = [
        ("0.0.0.0/8", "this-network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local (cloud metadata)"), ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"), ("192.0.2.0/24", "documentation"), ("192.88.99.0/24", "6to4 relay"),
        ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"), ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"), ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("100::/64", "discard"), ("2001::/23", "IETF protocol assignments"),
        ("2001:db8::/32", "documentation"), ("fc00::/7", "unique-local"), ("fe80::/10", "link-local"), ("ff00::/8", "multicast"),
    ].compactMap { entry in IPNetwork(entry.0).map { ($0, entry.1) } }

    /// Why `address` is refused, or nil when the node may connect to it. An IPv6 address
    /// that carries an IPv4 address is judged by the IPv4 address as well.
    public func refusal(for address: IPAddress) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if let block = Self.specialBlocks.first(where: { $0.network.contains(address) }) { return block.name }
        if let inner = address.embeddedIPv4, let reason = refusal(for: inner) { return reason + " (embedded in \(address))" }
        return nil
    }

    /// Parses the operator's list (`[outbound] allow`, `TAU_OUTBOUND_ALLOW`): CIDR blocks or
    /// single addresses.
    /// - Throws: ``CoreError`` `outbound_allow_invalid` naming the entry that is not one.
    public static func parseAllowed(_ entries: [String]) throws(CoreError) -> [IPNetwork] {
        var networks: [IPNetwork] = []
        for entry in entries.map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let network = IPNetwork(entry) else {
                throw CoreError("outbound_allow_invalid", "\(entry) is not an IP address or CIDR block (e.g. 127.0.0.0/8, fd00::/8)")
            }
            networks.append(network)
        }
        return networks
    }
}
