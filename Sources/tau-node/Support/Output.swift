import ArgumentParser
import Foundation
import TauCore

#if canImport(Glibc)
import Glibc
#endif

/// Printing results and failures the same way in every command.
enum Output {
    /// Prints a JSON value (pretty, canonical member order) to standard output.
    static func json(_ value: JSONValue) {
        write(value.prettyString() + "\n")
    }

    /// Prints aligned `label  value` rows.
    static func table(_ rows: [(String, String)]) {
        let width = rows.map(\.0.count).max() ?? 0
        write(rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 + "\n" }.joined())
    }

    /// Prints rows as left-aligned columns separated by two spaces.
    static func columns(_ rows: [[String]]) {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        for row in rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            line(cells.joined(separator: "  "))
        }
    }

    static func line(_ text: String) {
        write(text + "\n")
    }

    /// Writes to standard output. A reader that went away (`tau-node … | head -1`) ends the
    /// command quietly with status 0: SIGPIPE is ignored (``ignoreBrokenPipes()``), so the
    /// write fails with EPIPE instead of killing the process.
    static func write(_ text: String) {
        if !writeAll(text, to: STDOUT_FILENO) { exit(0) }
    }

    static func standardError(_ text: String) {
        _ = writeAll(text, to: STDERR_FILENO)
    }

    /// Whether every byte was written; false when the reader has gone (EPIPE).
    private static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return errno != EPIPE
            }
            bytes = bytes.dropFirst(written)
        }
        return true
    }

    /// Makes a closed pipe an error (EPIPE) instead of a signal, for every command alike:
    /// NIO ignores SIGPIPE anyway once it starts, so without this the same command would
    /// die silently or fail a write depending on whether it had used the network.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs a command body; a ``TauError`` is printed with its code and turned into
    /// the exit code of its category (see docs/cli.md).
    static func reporting(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any TauError {
            report(code: error.code, message: error.message, json: json)
            throw ExitCode(exitCode(for: error.category))
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            report(code: "internal_error", message: "\(error)", json: json)
            throw ExitCode(70)
        }
    }

    static func report(code: String, message: String, json: Bool) {
        if json {
            Output.json(["error": ["code": .string(code), "message": .string(message)]])
        }
        standardError("error[\(code)]: \(message)\n")
    }

    /// sysexits-style codes per failure category.
    static func exitCode(for category: ErrorCategory) -> Int32 {
        switch category {
        case .invalidInput: return 65
        case .notFound: return 66
        case .unavailable, .temporarilyUnavailable: return 69
        case .internal: return 70
        case .conflict: return 73
        case .unauthorized: return 77
        case .rateLimited: return 75
        }
    }
}
