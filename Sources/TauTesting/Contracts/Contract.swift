import Foundation
import TauCore
import TauIdentity

/// One behaviour every implementation of a repository protocol must have, run against
/// each backend (in memory, SQLite, PostgreSQL) with the same assertions.
public struct ContractCase<Subject: Sendable>: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (Subject) async throws -> Void

    public init(_ name: String, _ run: @escaping @Sendable (Subject) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// A contract assertion that did not hold.
public struct ContractViolation: Error, CustomStringConvertible {
    public let description: String
}

/// Fails the running contract case when `condition` is false.
public func require(
    _ condition: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) async throws {
    guard try await condition() else { throw ContractViolation(description: "\(file):\(line): \(message())") }
}

/// Fails the running contract case unless `body` throws an error with reason `code`.
public func requireThrows(
    code: String, file: StaticString = #fileID, line: UInt = #line, _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as any TauError {
        try await require(error.code == code, "expected \(code), got \(error.code)", file: file, line: line)
        return
    }
    throw ContractViolation(description: "\(file):\(line): expected an error \(code), nothing was thrown")
}

/// Fixed DIDs for contract cases.
enum ContractDIDs {
    static func alice() throws -> DID { try DID("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK") }
    static func bob() throws -> DID { try DID("did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH") }
}
