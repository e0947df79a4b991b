/// The message types of the mesh protocol (`Specs/mesh.md` section 4).
public enum MeshMessageType {
    /// The base of every mesh message type URI.
    public static let base = "https://tau-node.dev/kamn/1/"
    /// Introduces a node: DID, endpoints, log head, capabilities, version.
    public static let hello = base + "peer/hello"
    /// Shares known peers and their DID log heads.
    public static let gossip = base + "peer/gossip"
    /// Liveness check; answered with ``pong``.
    public static let ping = base + "peer/ping"
    public static let pong = base + "peer/pong"
}
