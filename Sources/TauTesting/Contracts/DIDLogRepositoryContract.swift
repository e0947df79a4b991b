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
        ContractCase("tells the head's versionId without the log") { logs in
            let versions = try versions(rotations: 2)
            try await require(try await logs.headVersionId(for: versions[0].did) == nil, "nothing for an unknown DID")
            try await logs.save(versions[1], origin: .local)
            try await require(try await logs.headVersionId(for: versions[0].did) == versions[1].head.versionId, "the saved head")
            try await logs.save(versions[0], origin: .local)
            try await require(try await logs.headVersionId(for: versions[0].did) == versions[1].head.versionId, "a shorter save leaves it")
            try await logs.save(versions[2], origin: .resolved)
            try await require(try await logs.headVersionId(for: versions[0].did) == versions[2].head.versionId, "a longer save moves it")
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
        ContractCase("serves the stored JSON Lines as saved") { logs in
            let versions = try versions(rotations: 1)
            try await logs.save(versions[1], origin: .resolved)
            try await require(try await logs.storedJSONLines(for: versions[0].did) == versions[1].log.jsonLines, "the stored text comes back")
            try await require(try await logs.storedJSONLines(for: try ContractDIDs.alice()) == nil, "nothing for an unknown DID")
        },
        ContractCase("evicts the least recently checked foreign logs beyond the limits, never local ones") { logs in
            let own = try versions(rotations: 0)[0]
            try await logs.save(own, origin: .local)
            var foreign: [VerifiedDIDTauLog] = []
            for index in 0..<4 {
                let log = try versions(rotations: 0)[0]
                try await logs.save(log, origin: .resolved)
                try await logs.markChecked(log.did, at: start.addingTimeInterval(Double(100 * (index + 1))))
                foreign.append(log)
            }
            // The oldest-checked one is used again: it becomes the newest.
            try await logs.markChecked(foreign[0].did, at: start.addingTimeInterval(1_000))
            try await logs.evictForeignLogs(beyond: ForeignLogLimits(maximumLogs: 2, maximumBytes: 1 << 30))
            let held = Set(try await logs.heldDIDs())
            try await require(held == [own.did, foreign[0].did, foreign[3].did], "the two most recently checked foreign logs and the local one stay")
            let size = foreign[0].log.jsonLines.utf8.count
            try await logs.evictForeignLogs(beyond: ForeignLogLimits(maximumLogs: 10, maximumBytes: size))
            try await require(Set(try await logs.heldDIDs()) == [own.did, foreign[0].did], "the byte limit keeps what fits, newest first")
            try await logs.evictForeignLogs(beyond: ForeignLogLimits(maximumLogs: 1, maximumBytes: 0))
            try await require(try await logs.heldDIDs() == [own.did], "the local log is never evicted")
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
