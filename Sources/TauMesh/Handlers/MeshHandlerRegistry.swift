/// The ``MeshHandler``s of a node, one per message type.
///
/// ``builtIn`` holds the peer handlers (`peer/hello`, `peer/gossip`, `peer/ping`);
/// modules above TauMesh add theirs with ``register(_:)`` before the ``MeshNode`` is
/// made. A type has at most one handler: registering it again is refused with
/// `handler_already_registered`, so no module can silently replace another's handler.
public struct MeshHandlerRegistry: Sendable {
    private var handlers: [String: any MeshHandler] = [:]

    /// A registry without handlers: every message is refused with `unsupported_type`.
    public init() {}

    /// The peer handlers of `Specs/mesh.md` section 4: hello, gossip, ping.
    public static var builtIn: MeshHandlerRegistry {
        var registry = MeshHandlerRegistry()
        for handler: any MeshHandler in [HelloHandler(), GossipHandler(), PingHandler()] {
            registry.handlers[handler.messageType] = handler
        }
        return registry
    }

    /// Adds `handler` for its ``MeshHandler/messageType``.
    /// - Throws: ``MeshError`` `handler_already_registered` when that type has a handler.
    public mutating func register(_ handler: any MeshHandler) throws(MeshError) {
        guard handlers[handler.messageType] == nil else {
            throw MeshError(
                "handler_already_registered", "a handler for \(handler.messageType) is already registered", category: .conflict)
        }
        handlers[handler.messageType] = handler
    }

    /// The handler for messages of `type`, if one is registered.
    public func handler(for type: String) -> (any MeshHandler)? { handlers[type] }

    /// The registered types, sorted.
    public var types: [String] { handlers.keys.sorted() }
}
