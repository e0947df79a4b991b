import ArgumentParser
import Foundation
import TauCore
import TauNode

struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a file with the node's current signing key (detached Ed25519 signature).",
        discussion: """
            Prints the signature as multibase (z…), with the signing key id and the DID version, \
            so that it can be checked later with `tau-node id verify`, even after a rotation.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "The file to sign ('-' for standard input).")
    var file: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let message = try FileInput.read(file)
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let signature = try await NodeIdentity(context: context).sign(message, passphrase: try passphraseOptions.passphrase())
            if homeOptions.json {
                Output.json(signature.json)
            } else {
                Output.table([
                    ("Signature", signature.multibase), ("Key", signature.keyID), ("Version", signature.versionId),
                    ("Signed at", signature.created),
                ])
            }
        }
    }
}

enum FileInput {
    /// Reads a file, or standard input for `-`.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeError("file_unreadable", "cannot read \(path)", category: .notFound)
        }
        return Array(data)
    }
}
