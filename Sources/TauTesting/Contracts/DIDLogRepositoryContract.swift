import Foundation
import TauIdentity

/// What every ``DIDLogRepository`` must do.
public enum DIDLogRepositoryContract {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A DID's log after 0, 1, ... `rotations` rotations.
    public static func versions(rotations: Int) throws -> [VerifiedDIDTauLog] {
        let (controller, genesis) = try DIDTauController.create(now: start)
        var result = [try genesis.verify(now: start)]
        var current = controller
        for step in 0..<rotations {
            let time = start.addingTimeInterval(Double(step + 1))
            guard let last = result.last else { break }
            let (next, log) = try current.rotate(last, now: time)
            result.append(try log.verify(now: time))
            current = next
        }
        return result
    }

    public static let cases: [ContractCase<any DIDLogRepository>] = [
        ContractCase("saves and loads a log with its origin") { logs in
            let versions = try versions(rotations: 1)
            try await require(try await logs.log(for: versions[0].did) == nil, "nothing held before a save")
            try await logs.save(versions[1], origin: .local)
            let stored = try await logs.log(for: versions[0].did)
            try await require(stored?.log == versions[1].log, "the saved log comes back")
            try await require(stored?.origin == .local, "the origin comes back")
            try await require(try await logs.heldDIDs() == [versions[0].did], "the DID is listed")
        },
        ContractCase("never moves a DID backwards, and local stays local") { logs in
            let versions = try versions(rotations: 2)
            try await logs.save(versions[1], origin: .local)
            try await logs.save(versions[0], origin: .resolved)
            try await require(try await logs.log(for: versions[0].did)?.log.entries.count == 2, "a shorter log does not replace a longer one")
            try await logs.save(versions[2], origin: .resolved)
            let stored = try await logs.log(for: versions[0].did)
            try await require(stored?.log.entries.count == 3, "a longer log replaces the held one")
            try await require(stored?.origin == .local, "a local DID stays local")
        },
        ContractCase("becoming local does not need a longer log") { logs in
            let versions = try versions(rotations: 0)
            try await logs.save(versions[0], origin: .resolved)
            try await logs.save(versions[0], origin: .local)
            try await require(try await logs.log(for: versions[0].did)?.origin == .local, "the same log saved as local makes it local")
        },
        ContractCase("remembers when the sources were asked") { logs in
            let versions = try versions(rotations: 0)
            try await logs.save(versions[0], origin: .resolved)
            let checked = start.addingTimeInterval(3600)
            try await logs.markChecked(versions[0].did, at: checked)
            let stored = try await logs.log(for: versions[0].did)
            try await require(stored?.checkedAt.map { abs($0.timeIntervalSince(checked)) < 0.001 } == true, "checkedAt is the marked time")
            try await logs.markChecked(try ContractDIDs.alice(), at: checked)  // an unknown DID is no error
        },
        ContractCase("concurrent saves of different lengths keep the longest") { logs in
            let versions = try versions(rotations: 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for version in versions.shuffled() { group.addTask { try await logs.save(version, origin: .resolved) } }
                try await group.waitForAll()
            }
            try await require(try await logs.log(for: versions[0].did)?.log.entries.count == 4, "the longest log is held")
        },
    ]
}
