import Foundation
import Logging
import TauCore

/// Fetching from remote sources: one fetch in flight per DID, verification off the actor.
extension DIDResolver {
    /// What asking the sources gave: the best log, and when the outbound policy refused some
    /// of them, a sentence saying so (a source on loopback that the operator did not allow).
    struct Refresh: Sendable {
        var log: VerifiedDIDTauLog?
        var refusal: String?
    }

    /// Asks the sources for the log of `did`, or waits for the fetch already asking them.
    func sharedRefresh(_ did: DID, held: VerifiedDIDTauLog?) async throws -> Refresh {
        if let running = tauFetches[did] {
            var fetched = try await running.value.get()
            // The fetch was started with what another caller held; never go below ours.
            if (fetched.log?.log.entries.count ?? 0) < (held?.log.entries.count ?? 0) { fetched.log = held }
            return fetched
        }
        let task = Task { () -> Result<Refresh, any Error> in
            do { return .success(try await self.refresh(did, held: held)) } catch { return .failure(error) }
        }
        tauFetches[did] = task
        let result = await task.value
        tauFetches[did] = nil
        return try result.get()
    }

    private func refresh(_ did: DID, held: VerifiedDIDTauLog?) async throws -> Refresh {
        var sources: [String] = []
        if let endpoint = held?.head.document.service(ofType: "TauMesh")?.endpointURL { sources.append(endpoint) }
        sources += configuration.logSources.filter { !sources.contains($0) }
        sources += await extraSources().filter { !sources.contains($0) }
        // Sources are asked in parallel, so a dead one costs one timeout, not one per source.
        let http = self.http
        let fetched = await withTaskGroup(of: (String, Result<[UInt8], IdentityError>).self) { group in
            for source in sources {
                let base = source.hasSuffix("/") ? String(source.dropLast()) : source
                let url = "\(base)/mesh/v1/dids/\(did)/log"
                group.addTask {
                    do throws(OutboundError) {
                        let response = try await http.get(url, accept: "application/jsonl", maximumBytes: DIDTauLog.maximumBytes)
                        guard response.status == 200 else {
                            return (url, .failure(IdentityError("did_not_found", "answered \(response.status)", category: .notFound)))
                        }
                        return (url, .success(response.body))
                    } catch {
                        return (url, .failure(IdentityError(error)))
                    }
                }
            }
            var results: [(String, Result<[UInt8], IdentityError>)] = []
            for await result in group { results.append(result) }
            return results
        }
        var best = held
        var refusals: [String] = []
        let time = now()
        let skew = configuration.maximumClockSkew
        for (url, outcome) in fetched {
            let bytes: [UInt8]
            switch outcome {
            case .success(let body): bytes = body
            case .failure(let error):
                if let outbound = error.cause as? OutboundError, outbound.isAddressRefused { refusals.append(outbound.message) }
                logger.debug("log source has no log", metadata: ["url": "\(url)", "reason": "\(error.code)"])
                continue
            }
            do throws(IdentityError) {
                let candidate = try await verification.run { () throws(IdentityError) in
                    try DIDTauLog(jsonLines: bytes).verify(did: did, now: time, maximumClockSkew: skew)
                }
                if let best { try candidate.checkContinues(best.log) }
                if candidate.log.entries.count > (best?.log.entries.count ?? 0) { best = candidate }
            } catch {
                // A fork is proof that the controller signed two histories: fail closed.
                if error.isForkProof { throw error }
                logger.warning("log source sent an invalid log", metadata: ["url": "\(url)", "reason": "\(error.code)"])
            }
        }
        if let best, best.log.entries.count > (held?.log.entries.count ?? 0) {
            try await repository?.save(best, origin: .resolved)
            if held == nil { try await repository?.evictForeignLogs(beyond: configuration.foreignLogLimits) }
        }
        let refusal = refusals.isEmpty ? nil : "the outbound policy refused \(refusals.count) source(s): \(refusals[0])"
        return Refresh(log: best, refusal: refusal)
    }

    /// The document of a did:web DID: cached (failures too) for the TTL, fetched at most
    /// once at a time, parsed and checked off the actor.
    func webDocument(for did: DID) async throws(IdentityError) -> DIDDocument {
        if let entry = cache[did], entry.expires > now() {
            switch entry.value {
            case .web(let document): return document
            case .webFailure(let error): throw error
            default: break
            }
        }
        if let running = webFetches[did] { return try await running.value.get() }
        let task = Task { () -> Result<DIDDocument, IdentityError> in
            do throws(IdentityError) { return .success(try await self.fetchWebDocument(did)) } catch { return .failure(error) }
        }
        webFetches[did] = task
        let result = await task.value
        webFetches[did] = nil
        switch result {
        case .success(let document): remember(.web(document), for: did)
        case .failure(let error): remember(.webFailure(error), for: did)
        }
        return try result.get()
    }

    private func fetchWebDocument(_ did: DID) async throws(IdentityError) -> DIDDocument {
        let url = try DIDWeb.documentURL(for: did, insecureHosts: configuration.insecureWebHosts)
        let status: Int
        let body: [UInt8]
        do throws(OutboundError) {
            let response = try await http.get(url, accept: "application/did+json, application/json", maximumBytes: DIDWeb.maximumDocumentBytes)
            (status, body) = (response.status, response.body)
        } catch {
            throw IdentityError(error)
        }
        guard status == 200 else {
            throw IdentityError(
                status == 404 ? "did_not_found" : "fetch_failed", "GET \(url) answered \(status)",
                category: status == 404 ? .notFound : .unavailable)
        }
        return try await verification.run { () throws(IdentityError) in
            let json: JSONValue
            do { json = try JSONValue(parsing: body) } catch {
                throw IdentityError("document_invalid", "\(url) is not JSON: \((error as? any TauError)?.message ?? "\(error)")")
            }
            let document = try DIDDocument(json: json)
            guard document.id == did else {
                throw IdentityError("did_mismatch", "\(url) holds the document of \(document.id), not \(did)")
            }
            return document
        }
    }
}
