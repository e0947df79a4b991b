import TauIdentity
import TauMesh

/// The names of the simulated nodes: did:tau DIDs, endpoints and log `versionId`s shaped like
/// the real ones (so that message sizes are the real sizes), drawn from the seeded generator.
/// Strings are built once and shared, so that peer rows cost no string copies.
struct SimulatedIdentities {
    static let capabilities = ["mesh/1"]
    static let nodeVersion = "0.1.0"
    /// The highest log version a scenario uses (1 genesis, 2 rotation, 3 revocation).
    static let maximumVersion = 3

    let dids: [DID]
    let endpoints: [String]
    /// `versionIds[node][version - 1]`.
    private let versionIds: [[String]]
    let indexOfDID: [DID: Int32]
    let indexOfEndpoint: [String: Int32]

    init(count: Int, using generator: inout SplitMix64) throws {
        var dids: [DID] = []
        var endpoints: [String] = []
        var versionIds: [[String]] = []
        dids.reserveCapacity(count)
        for node in 0..<count {
            // did:tau is "Qm" and 44 base58 characters (a base58btc SHA-256 multihash).
            dids.append(try DID("did:tau:" + Self.multihash(using: &generator)))
            endpoints.append("http://10.\((node >> 16) & 255).\((node >> 8) & 255).\(node & 255):8420")
            versionIds.append((1...Self.maximumVersion).map { "\($0)-" + Self.multihash(using: &generator) })
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

    private static let base58 = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")

    private static func multihash(using generator: inout SplitMix64) -> String {
        "Qm" + String((0..<44).map { _ in base58[Int(generator.next() % 58)] })
    }
}

/// A simulation that cannot run as asked (bad parameters); the message says why.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
