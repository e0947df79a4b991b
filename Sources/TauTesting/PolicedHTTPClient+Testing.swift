import TauCore
import TauIdentity

extension PolicedHTTPClient {
    /// Public addresses plus loopback: what tests on 127.0.0.1 need, as a local mesh would.
    public static let loopback = PolicedHTTPClient(policy: .allowingLoopback)
}
