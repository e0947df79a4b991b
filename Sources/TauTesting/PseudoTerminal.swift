import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program run on a pseudo-terminal, as a user at a terminal runs it: its standard input,
/// output and error are the terminal, so `isatty` is true and line editing is on. Tests type
/// into it and wait for what it prints.
public final class PseudoTerminal {
    private let master: Int32
    private let process: Process
    private let screen = Screen()

    /// What the terminal showed, shared with the thread that reads it.
    private final class Screen: Sendable {
        let text = Mutex("")
    }

    /// Starts `executable` with `arguments` and `environment` on a new pseudo-terminal.
    public init(executable: String, arguments: [String], environment: [String: String]) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw TestingError("openpty failed: errno \(errno)") }
        self.master = master
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        self.process = process
        let screen = screen
        let descriptor = master
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { return }
                let text = String(decoding: buffer[..<count], as: UTF8.self)
                screen.text.withLock { $0 += text }
            }
        }
        reader.start()
    }

    /// Everything the program has printed (and the terminal echoed) so far.
    public var output: String { screen.text.withLock { $0 } }

    /// Types `text` (use `\r` for Enter).
    public func type(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Waits until the output after `offset` contains `text`; returns the end of the match.
    @discardableResult
    public func waitFor(_ text: String, after offset: String.Index? = nil, timeout: Duration = .seconds(20)) async throws -> String.Index {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = output
            let start = offset.map { min($0, current.endIndex) } ?? current.startIndex
            if let range = current.range(of: text, range: start..<current.endIndex) { return range.upperBound }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestingError("timed out waiting for \(text.debugDescription); the terminal shows:\n\(output)")
    }

    /// Waits for the program to exit and returns its status (128 + signal when killed).
    public func exitStatus(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw TestingError("the program did not exit; the terminal shows:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }
}
