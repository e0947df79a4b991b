import TauCore
import TauIdentity
import TauMesh

/// The names of the simulated nodes: DIDs, endpoints and log `versionId`s, drawn from the
/// seeded generator.
///
/// In memory they are short (at most 15 bytes each, which Swift stores inline: copying a peer
/// row then touches no string storage, which is most of what a 10,000-node run would otherwise
/// spend). On the wire they count at their real lengths: ``padding(of:)`` is what the real
/// names add to an advertisement's JSON (a did:tau id is "Qm" and 44 base58 characters, a
/// `versionId` is the version, "-" and such an id, an endpoint is modelled as
/// `http://127.0.0.1:40369`, 22 bytes, as in `scripts/mesh-sim.sh`).
struct SimulatedIdentities {
    static let capabilities = ["mesh/1"]
    static let nodeVersion = "0.1.0"
    /// The highest log version a scenario uses (1 genesis, 2 rotation, 3 revocation).
    static let maximumVersion = 3
    /// Real lengths, in bytes.
    static let realIdentifierLength = 46
    static let realEndpointLength = 22
    static let realVersionIdLength = 48

    let dids: [DID]
    let endpoints: [String]
    /// `versionIds[node][version - 1]`.
    private let versionIds: [[String]]
    let indexOfDID: [DID: Int32]
    let indexOfEndpoint: [String: Int32]

    init(count: Int, using generator: inout SplitMix64) throws {
        guard count <= 99_999 else { throw SimulationError("at most 99,999 simulated nodes have short names") }
        var dids: [DID] = []
        var endpoints: [String] = []
        var versionIds: [[String]] = []
        dids.reserveCapacity(count)
        for node in 0..<count {
            dids.append(try DID("did:tau:Qm" + Self.base58(11, using: &generator)))
            endpoints.append("http://n\(node):1")
            versionIds.append((1...Self.maximumVersion).map { "\($0)-Qm" + Self.base58(10, using: &generator) })
        }
        var indexOfDID: [DID: Int32] = [:]
        var indexOfEndpoint: [String: Int32] = [:]
        for node in 0..<count {
            indexOfDID[dids[node]] = Int32(node)
            indexOfEndpoint[endpoints[node]] = Int32(node)
        }
        guard indexOfDID.count == count else { throw SimulationError("two simulated nodes drew the same DID") }
        self.dids = dids
        self.endpoints = endpoints
        self.versionIds = versionIds
        self.indexOfDID = indexOfDID
        self.indexOfEndpoint = indexOfEndpoint
    }

    /// The `versionId` of version `version` (1 or more) of `node`'s log.
    func versionId(of node: Int, _ version: Int) -> String { versionIds[node][version - 1] }

    /// How `node` describes itself when its log's head is `version`.
    func advertisement(of node: Int, version: Int) -> PeerAdvertisement {
        PeerAdvertisement(
            did: dids[node], endpoints: [endpoints[node]], logHead: versionId(of: node, version), capabilities: Self.capabilities,
            nodeVersion: Self.nodeVersion)
    }

    /// The bytes the real names add to the JSON of `advertisement` (one of the simulation's).
    static func padding(of advertisement: PeerAdvertisement) -> Int {
        var padding = realIdentifierLength - advertisement.did.methodSpecificID.utf8.count
        for endpoint in advertisement.endpoints { padding += realEndpointLength - endpoint.utf8.count }
        if let head = advertisement.logHead { padding += realVersionIdLength - head.utf8.count }
        return padding
    }

    /// What the real names add to the JSON of a gossip body listing `advertisements`.
    static func padding(of advertisements: [PeerAdvertisement]) -> Int {
        advertisements.reduce(0) { $0 + padding(of: $1) }
    }

    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")

    private static func base58(_ count: Int, using generator: inout SplitMix64) -> String {
        String((0..<count).map { _ in alphabet[Int(generator.next() % 58)] })
    }
}

/// A simulation that cannot run as asked (bad parameters); the message says why.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
