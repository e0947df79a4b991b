import TauMesh

/// The size on the wire of the messages the simulation sends, in bytes, as
/// `tau_mesh_gossip_bytes_total` counts them (the signed message, without HTTP framing).
///
/// A message is a JWS in General JSON serialization whose payload is the base64url of the JWM
/// (the plaintext message with the body inside). Signing is not simulated, so the size is
/// computed: the body's exact canonical JSON size, the JWM's members around it, and the JWS
/// members around the payload. The constants hold for did:tau DIDs (54 characters), lowercase
/// UUID ids and 10-digit times; `WireSizeTests` checks them against messages signed by
/// TauEnvelope.
public enum WireSize {
    /// The JWS around the payload: `payload`, `signatures` with the `kid` header (a did:tau
    /// key id, 60 characters), the base64url protected header and the Ed25519 signature.
    public static let signatureOverhead = 301
    /// The JWM members other than `body` of a `peer/gossip` request (`id`, `typ`, `type`,
    /// `from`, `to`, `created_time`, `expires_time`).
    public static let gossipRequestOverhead = 321
    /// A reply also names the request in `thid` (a UUID).
    public static let threadOverhead = 46
    /// `peer/hello` is one character shorter than `peer/gossip`.
    public static let helloOverhead = gossipRequestOverhead - 1

    /// The length of unpadded base64url of `count` bytes.
    public static func base64URLLength(_ count: Int) -> Int { (count * 4 + 2) / 3 }

    /// The signed message around a body of `body` bytes.
    public static func message(body: Int, payloadOverhead: Int) -> Int {
        signatureOverhead + base64URLLength(payloadOverhead + body)
    }

    /// A gossip request or reply listing `advertisements`; `padding` is added to the body's
    /// JSON size (for names held shorter in memory than on the wire).
    public static func gossip(_ list: GossipList, reply: Bool, padding: Int = 0) -> Int {
        message(body: gossipBody(list) + padding, payloadOverhead: gossipRequestOverhead + (reply ? threadOverhead : 0))
    }

    /// A hello request or reply carrying `advertisement`, its body `padding` bytes longer.
    public static func hello(_ advertisement: PeerAdvertisement, reply: Bool, padding: Int = 0) -> Int {
        message(body: json(advertisement) + padding, payloadOverhead: helloOverhead + (reply ? threadOverhead : 0))
    }

    /// The canonical JSON size of `{"peers":[...],"recent":k}` (`recent` only when above 0).
    public static func gossipBody(_ list: GossipList) -> Int {
        var size = 12 + max(0, list.peers.count - 1)  // {"peers":[ ... ]} and the commas
        for advertisement in list.peers { size += json(advertisement) }
        if list.recent > 0 { size += 10 + String(list.recent).utf8.count }  // ,"recent":k
        return size
    }

    /// The canonical JSON size of ``PeerAdvertisement/json``. Exact when no string needs
    /// escaping (the simulation's DIDs, URLs, heads and versions are plain ASCII without quotes
    /// or backslashes); computed from the strings' UTF-8 lengths, which costs nothing per call.
    public static func json(_ advertisement: PeerAdvertisement) -> Int {
        // {"capabilities":[…],"did":"…","endpoints":[…]}: braces, three names with quotes and
        // colons (15 + 6 + 12), two commas, the DID's quotes, then the optional members.
        let did = 5 + advertisement.did.method.utf8.count + advertisement.did.methodSpecificID.utf8.count
        var size = 2 + 15 + 6 + 12 + 2 + 2 + did + array(advertisement.capabilities) + array(advertisement.endpoints)
        if let head = advertisement.logHead { size += 1 + 12 + head.utf8.count }
        if let version = advertisement.nodeVersion { size += 1 + 12 + version.utf8.count }
        return size
    }

    private static func array(_ strings: [String]) -> Int {
        var size = 2 + max(0, strings.count - 1)
        for string in strings { size += string.utf8.count + 2 }
        return size
    }
}
