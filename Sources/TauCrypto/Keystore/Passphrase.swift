import Foundation
import TauCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a keystore passphrase comes from, in the order tau-node tries them:
/// an explicit file, the `TAU_PASSPHRASE` variable, then a prompt on the terminal
/// with echo turned off.
public struct PassphraseSource: Sendable {
    /// The environment variable consulted.
    public static let environmentVariable = "TAU_PASSPHRASE"

    public var file: String?
    public var environment: [String: String]
    /// The variable read from `environment` (`TAU_PASSPHRASE` unless a command needs a second one).
    public var variable: String
    public var allowPrompt: Bool

    public init(
        file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        variable: String = PassphraseSource.environmentVariable, allowPrompt: Bool = true
    ) {
        self.file = file
        self.environment = environment
        self.variable = variable
        self.allowPrompt = allowPrompt
    }

    /// Whether any source can give a passphrase without asking: a file, the variable, or a
    /// terminal to prompt on. `serve` runs without the mesh when none can.
    public var hasSource: Bool {
        file != nil || environment[variable] != nil || (allowPrompt && isatty(STDIN_FILENO) != 0)
    }

    /// Obtains the passphrase. With `confirm`, an interactive prompt asks twice.
    /// - Throws: ``CryptoError`` `passphrase_file_unreadable`, `passphrase_file_insecure`
    ///   (a regular file other users may read or write), `passphrase_empty`,
    ///   `passphrase_mismatch`, or `passphrase_required` when there is no source.
    public func obtain(prompt: String = "Keystore passphrase: ", confirm: Bool = false) throws(CryptoError) -> String {
        if let file {
            // Like ssh with private keys: a secret others can read is refused, not used. Pipes
            // and process substitution (`<(pass show tau)`) are not regular files and pass.
            var status = stat()
            if stat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_mode & 0o077 != 0 {
                throw CryptoError(
                    "passphrase_file_insecure",
                    "passphrase file \(file) can be read or changed by other users (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 on it",
                    category: .unauthorized)
            }
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw CryptoError("passphrase_file_unreadable", "cannot read passphrase file \(file)")
            }
            // A trailing newline from `echo secret > file` is not part of the passphrase.
            let passphrase = String(text.trimmingSuffix { $0 == "\n" || $0 == "\r" })
            guard !passphrase.isEmpty else { throw CryptoError("passphrase_empty", "passphrase file \(file) is empty") }
            return passphrase
        }
        if let value = environment[variable] {
            guard !value.isEmpty else { throw CryptoError("passphrase_empty", "\(variable) is empty") }
            return value
        }
        // Prompt only for an interactive user: a pipeline or daemon must never block on /dev/tty.
        guard allowPrompt, isatty(STDIN_FILENO) != 0, let terminal = TerminalPrompt() else {
            throw CryptoError(
                "passphrase_required",
                "no passphrase: set \(variable), pass a passphrase file, or run in a terminal",
                category: .unauthorized)
        }
        let first = try terminal.read(prompt)
        guard !first.isEmpty else { throw CryptoError("passphrase_empty", "the passphrase must not be empty") }
        if confirm {
            let second = try terminal.read("Repeat passphrase: ")
            guard first == second else { throw CryptoError("passphrase_mismatch", "the two passphrases differ") }
        }
        return first
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> SubSequence {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}

/// Reads a line from the controlling terminal with echo off.
struct TerminalPrompt {
    init?() {
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        close(descriptor)
    }

    func read(_ prompt: String) throws(CryptoError) -> String {
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw CryptoError("passphrase_required", "the terminal went away") }
        defer { close(descriptor) }
        _ = prompt.withCString { write(descriptor, $0, strlen($0)) }
        var original = termios()
        let hasTerminal = tcgetattr(descriptor, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(descriptor, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminal { _ = tcsetattr(descriptor, TCSAFLUSH, &original) }
            _ = "\n".withCString { write(descriptor, $0, 1) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
            guard bytes.count <= 4096 else { throw CryptoError("passphrase_too_long", "passphrase longer than 4096 bytes") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
