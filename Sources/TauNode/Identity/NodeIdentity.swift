import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// The identity operations behind `tau-node init` and `tau-node id …`.
public struct NodeIdentity: Sendable {
    public let context: NodeContext
    let now: @Sendable () -> Date

    public init(context: NodeContext, now: (@Sendable () -> Date)? = nil) {
        self.context = context
        self.now = now ?? context.clock.now
    }

    /// Creates the node's DID, keystore and configuration in an empty home.
    /// - Throws: ``NodeError`` `identity_exists` if the home already has a keystore.
    public func create(name: String, publicURL: String?, passphrase: String) async throws -> VerifiedDIDTauLog {
        let home = context.home
        return try await home.withIdentityLock {
            guard !home.hasKeystore else {
                throw NodeError("identity_exists", "\(home.path) already holds an identity (keystore.json)", category: .conflict)
            }
            if !FileManager.default.fileExists(atPath: home.configPath) {
                // 0600: config.toml may come to hold secrets (a provider api_key, a database URL with a password).
                try AtomicFile.write(NodeConfiguration.template(name: name, publicURL: publicURL), to: home.configPath, mode: 0o600)
            }
            let endpoint = publicURL ?? context.settings.server.advertisedURL
            let (controller, log) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", endpoint)], now: now())
            let verified = try log.verify(now: now())
            // Keystore first: a log without its keys would be an identity nobody controls.
            try Keystore.sealing(NodeKeys(current: controller), passphrase: passphrase).write(to: home.keystorePath)
            try await context.logs.save(verified, origin: .local)
            return verified
        }
    }

    /// Restores an identity from a backup (keystore file + exported log) into an empty home.
    public func restore(keystoreFile: String, logFile: String, passphrase: String) async throws -> VerifiedDIDTauLog {
        let home = context.home
        return try await home.withIdentityLock {
            guard !home.hasKeystore else {
                throw NodeError("identity_exists", "\(home.path) already holds an identity (keystore.json)", category: .conflict)
            }
            let keystore = try Keystore.read(from: keystoreFile)
            let keys = try NodeKeys(secrets: try keystore.open(passphrase: passphrase))
            guard let logBytes = FileManager.default.contents(atPath: logFile) else {
                throw NodeError("log_file_unreadable", "cannot read \(logFile)", category: .notFound)
            }
            let verified = try DIDTauLog(jsonLines: Array(logBytes)).verify(did: keys.current.did, now: now())
            if !verified.isDeactivated { _ = try keys.controller(for: verified) }
            if !FileManager.default.fileExists(atPath: home.configPath) {
                // Pin public_url only when the identity publishes something other than the default.
                let endpoint = verified.head.document.service(ofType: "TauMesh")?.endpointURL
                    .flatMap { $0 == NodeConfiguration().defaultAdvertisedURL ? nil : $0 }
                try AtomicFile.write(
                    NodeConfiguration.template(name: ProcessInfo.processInfo.hostName, publicURL: endpoint), to: home.configPath,
                    mode: 0o600)
            }
            try keystore.write(to: home.keystorePath)
            try await context.logs.save(verified, origin: .local)
            return verified
        }
    }

    /// Rotates every key of the node's DID (see ``DIDTauController/rotate(_:services:now:)``),
    /// committing the keystore and the log crash-safely.
    public func rotate(passphrase: String) async throws -> VerifiedDIDTauLog {
        try await context.home.withIdentityLock {
            let (keystore, keys, log) = try await openKeys(passphrase: passphrase)
            let controller = try keys.controller(for: log)
            let (next, newLog) = try controller.rotate(log, services: publishedServices(replacingIn: log), now: now())
            let verified = try newLog.verify(did: log.did, now: now())
            try Keystore.sealing(NodeKeys(current: controller, pending: next), passphrase: passphrase, kdf: keystore.kdf)
                .write(to: context.home.keystorePath)
            try await context.logs.save(verified, origin: .local)
            try Keystore.sealing(NodeKeys(current: next), passphrase: passphrase, kdf: keystore.kdf)
                .write(to: context.home.keystorePath)
            await context.resolver.invalidate(log.did)
            return verified
        }
    }

    /// Deactivates the node's DID for good.
    public func revoke(passphrase: String) async throws -> VerifiedDIDTauLog {
        try await context.home.withIdentityLock {
            let (_, keys, log) = try await openKeys(passphrase: passphrase)
            let controller = try keys.controller(for: log)
            let verified = try controller.deactivate(log, now: now()).verify(did: log.did, now: now())
            try await context.logs.save(verified, origin: .local)
            await context.resolver.invalidate(log.did)
            return verified
        }
    }

    /// Re-seals the keystore under a new passphrase (fresh salt and nonce). The old
    /// passphrase must open it; the file is replaced atomically.
    public func changePassphrase(from old: String, to new: String) async throws -> DID {
        try await context.home.withIdentityLock {
            let keystore = try Keystore.read(from: context.home.keystorePath)
            let keys = try NodeKeys(secrets: try keystore.open(passphrase: old))
            try Keystore.sealing(keys, passphrase: new, kdf: keystore.kdf).write(to: context.home.keystorePath)
            return keys.current.did
        }
    }

    /// Signs `message` with the node's current authentication key.
    public func sign(_ message: [UInt8], passphrase: String) async throws -> DetachedSignature {
        let (_, keys, log) = try await openKeys(passphrase: passphrase)
        let controller = try keys.controller(for: log)
        return DetachedSignature(
            did: controller.did, keyID: controller.signingKeyID, versionId: log.head.versionId,
            created: Timestamp.format(now()), signature: controller.signingKey.signature(for: message))
    }

    /// Checks that the keystore opens with `passphrase` and controls the log.
    public func unlock(passphrase: String) async throws -> DID {
        let (_, keys, log) = try await openKeys(passphrase: passphrase)
        return try keys.controller(for: log).did
    }

    /// The document's services with the `TauMesh` endpoint set to `[node] public_url`
    /// when it is configured, so a changed address is published by the next rotation.
    /// Nil keeps the services as they are.
    private func publishedServices(replacingIn log: VerifiedDIDTauLog) -> [(String, String, String)]? {
        guard let publicURL = context.settings.server.publicURL else { return nil }
        let services = log.head.document.services
        guard services.allSatisfy({ $0.endpointURL != nil }) else { return nil }
        var result = services.map { service -> (String, String, String) in
            let fragment = String(service.id.split(separator: "#").last ?? "")
            return (fragment, service.type, service.type == "TauMesh" ? publicURL : service.endpointURL ?? "")
        }
        if !services.contains(where: { $0.type == "TauMesh" }) { result.append(("tau-mesh", "TauMesh", publicURL)) }
        return result
    }

    private func openKeys(passphrase: String) async throws -> (Keystore, NodeKeys, VerifiedDIDTauLog) {
        let keystore = try Keystore.read(from: context.home.keystorePath)
        let keys = try NodeKeys(secrets: try keystore.open(passphrase: passphrase))
        let log = try await context.resolver.verifiedLog(for: keys.current.did)
        return (keystore, keys, log)
    }
}

/// A detached Ed25519 signature made by `tau-node id sign`.
public struct DetachedSignature: Sendable, Equatable {
    public let did: DID
    /// The verification method that signed (`did:tau:…#sig-n`).
    public let keyID: String
    /// The DID version current when signing, so verifiers can check history.
    public let versionId: String
    public let created: String
    public let signature: [UInt8]

    /// The signature as multibase base58btc.
    public var multibase: String { Multibase.base58btc(signature) }

    public var json: JSONValue {
        [
            "did": .string(did.description), "kid": .string(keyID), "versionId": .string(versionId),
            "created": .string(created), "signature": .string(multibase),
        ]
    }
}
