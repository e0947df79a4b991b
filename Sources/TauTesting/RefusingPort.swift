#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP port that refuses every connection, held for the length of a test.
///
/// A port that was listened on and then closed can be taken by another test's server
/// running in parallel, which would then answer. This one stays bound (without
/// listening), so no one else can take it and connecting is refused at once.
public enum RefusingPort {
    /// Errors binding the reserved socket.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `body` with the number of a bound, non-listening port on 127.0.0.1.
    public static func with<T>(_ body: (Int) async throws -> T) async throws -> T {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind() failed: errno \(errno)") }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
