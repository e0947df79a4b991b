import Foundation
import TauCore

/// `peer/ping` (`Specs/mesh.md` section 4.5): answers `peer/pong` with this node's
/// clock in whole seconds; the body is not examined and no peer table changes.
struct PingHandler: MeshHandler {
    var messageType: String { MeshMessageType.ping }

    func handle(_ context: MeshContext) async throws -> MeshReply {
        MeshReply(type: MeshMessageType.pong, body: ["received": .number(Double(Int64(context.now().timeIntervalSince1970)))])
    }
}
