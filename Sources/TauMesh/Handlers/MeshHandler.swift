import TauCore

/// Answers inbound mesh messages of one type (`Specs/mesh.md` section 5, step 7).
///
/// A node dispatches each message that passed verification and the per-sender rate
/// limit to the handler registered for its `type` in its ``MeshHandlerRegistry``. The
/// handler gets a ``MeshContext`` for that message alone and returns the reply's type
/// and body, which the node signs and sends back in the message's thread.
///
/// A handler refuses a message by throwing a ``MeshError`` with a reason code (counted
/// on `/metrics` and sent back as the error body). It reads untrusted input: it must
/// refuse bad bodies with an error, never trap.
public protocol MeshHandler: Sendable {
    /// The full type URI of the messages this handler answers (compared as a whole string).
    var messageType: String { get }

    /// Handles one verified message and returns the reply to sign.
    /// - Throws: ``MeshError`` to refuse the message; any other error is answered 500.
    func handle(_ context: MeshContext) async throws -> MeshReply
}

/// The reply a ``MeshHandler`` returns: the node signs it, addressed to the sender, in
/// the request's thread.
public struct MeshReply: Sendable, Equatable {
    /// The full type URI of the reply.
    public var type: String
    /// The reply's body (a JSON object).
    public var body: JSONValue

    public init(type: String, body: JSONValue) {
        self.type = type
        self.body = body
    }
}
