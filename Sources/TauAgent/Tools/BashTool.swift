import Foundation
import Subprocess
import TauCore

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bash`: runs a shell command in the workspace.
///
/// The command runs as `/bin/bash -c` in its own session and process group, with stdin from
/// `/dev/null` and a scrubbed environment; the whole group is killed when the command times
/// out or the call is cancelled, and whatever is left of it when the shell exits. Its
/// confinement is the working directory only: a shell reads and writes whatever the node's
/// OS user can, so whether a run may use this tool is the tool policy's decision.
public struct BashTool: AgentTool {
    /// Seconds a command may run when the call does not say.
    public static let defaultTimeoutSeconds = 120
    /// The highest timeout any call may ask for.
    public static let maximumTimeoutSeconds = 600
    /// Where a command finds programs when the node has no PATH.
    static let fallbackPath = "/usr/local/bin:/usr/bin:/bin"

    /// The highest timeout a call of this tool may ask for, in seconds.
    public let timeoutLimitSeconds: Int
    /// Bytes of output kept (the first and last halves); the rest is counted and dropped.
    public let outputLimit: Int
    /// How long the shell has to exit after SIGTERM before the group gets SIGKILL.
    public let killGrace: Duration
    /// The environment every command gets, as `NAME=value` entries.
    let environment: [String: String]

    /// - Parameters:
    ///   - timeoutLimitSeconds: the highest timeout a call may ask for (at most 600).
    ///   - passingEnvironment: names of the node's variables a command also gets (e.g.
    ///     `GOPATH`). Names starting with `TAU_`, and names that are not variable names, are
    ///     never passed.
    ///   - nodeEnvironment: the node's environment, from which PATH and the passed names are
    ///     taken.
    ///   - outputLimit: bytes of output kept.
    ///   - killGrace: how long the shell has to exit after SIGTERM.
    public init(
        timeoutLimitSeconds: Int = BashTool.maximumTimeoutSeconds, passingEnvironment: [String] = [],
        nodeEnvironment: [String: String] = ProcessInfo.processInfo.environment, outputLimit: Int = 64 << 10,
        killGrace: Duration = .seconds(2)
    ) {
        self.timeoutLimitSeconds = min(Self.maximumTimeoutSeconds, max(1, timeoutLimitSeconds))
        self.outputLimit = max(2, outputLimit)
        self.killGrace = killGrace
        var environment: [String: String] = [:]
        for name in passingEnvironment where Self.isPassable(name) {
            if let value = nodeEnvironment[name], !value.contains("\0") { environment[name] = value }
        }
        // The fixed variables win over anything passed; HOME is set per call.
        environment["PATH"] = nodeEnvironment["PATH"].flatMap { $0.isEmpty || $0.contains("\0") ? nil : $0 } ?? Self.fallbackPath
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        environment["TERM"] = "dumb"
        self.environment = environment
    }

    /// Whether a variable of the node may be passed to commands: a plain variable name, and
    /// none of the node's own (`TAU_*`), which carry its secrets and settings.
    static func isPassable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.uppercased().hasPrefix("TAU_") else { return false }
        guard first == "_" || ("A"..."Z").contains(first) || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    public var name: String { "bash" }
    public var description: String {
        "Run a shell command with /bin/bash -c in the workspace (or cwd). stdin is empty; stdout and stderr are returned together (long output keeps its beginning and end) with the exit code. Background processes are killed when the command ends."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["command"],
            "properties": [
                "command": ["type": "string", "description": "The shell command."],
                "cwd": ["type": "string", "description": "Working directory relative to the workspace (default: the workspace)."],
                "timeout_seconds": [
                    "type": "integer", "minimum": 1, "maximum": .number(Double(timeoutLimitSeconds)),
                    "description": .string("Seconds before the command is killed (default \(min(Self.defaultTimeoutSeconds, timeoutLimitSeconds)))."),
                ],
            ],
        ]
    }
    public var isParallelSafe: Bool { false }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let command = try arguments.requiredString("command", tool: name)
        guard !command.contains("\0") else { throw AgentError("tool_arguments_invalid", "bash: the command holds a NUL byte") }
        var directory = context.paths.workspace
        if let cwd = try arguments.optionalString("cwd", tool: name) {
            directory = try context.paths.check(cwd)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw AgentError("path_not_found", "\(cwd) is not a directory of the workspace", category: .notFound)
            }
        }
        let seconds = min(timeoutLimitSeconds, max(1, try arguments.optionalCount("timeout_seconds", tool: name) ?? Self.defaultTimeoutSeconds))
        var environment = environment
        environment["HOME"] = context.paths.workspace
        let run = try await ShellRun(
            command: command, directory: directory, environment: environment, timeout: .seconds(seconds), outputLimit: outputLimit,
            killGrace: killGrace
        ).execute()
        let output = run.output.text
        switch run.ending {
        case .timedOut:
            throw AgentError("bash_timeout", "the command did not finish within \(seconds) s and was killed; its output so far:\n\(output)")
        case .cancelled:
            throw AgentError("tool_cancelled", "the command was cancelled and killed")
        case .finished:
            break
        }
        let (code, summary): (Int, String) =
            switch run.status {
            case .exited(let code): (Int(code), "exit code \(code)")
            case .signaled(let signal): (128 + Int(signal), "killed by signal \(signal)")
            }
        let details: JSONValue = [
            "exit_code": .number(Double(code)), "output_bytes": .number(Double(run.output.total)),
            "dropped_bytes": .number(Double(run.output.dropped)),
        ]
        return ToolOutput((output.isEmpty ? "(no output)" : output) + "\n[\(summary)]", details: details)
    }
}

/// One command: spawned, supervised until it ends, its group killed.
struct ShellRun: Sendable {
    enum Ending: Sendable { case finished, timedOut, cancelled }

    let command: String
    let directory: String
    let environment: [String: String]
    let timeout: Duration
    let outputLimit: Int
    let killGrace: Duration

    func execute() async throws(AgentError) -> (output: OutputCap, ending: Ending, status: TerminationStatus) {
        var options = PlatformOptions()
        // A new session makes the shell the leader of its own process group, so that one
        // signal reaches everything it starts (unless a child makes a session of its own).
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGrace)]
        let entries = environment.sorted { $0.key < $1.key }.map { Array("\($0.key)=\($0.value)\0".utf8) }
        do {
            let result = try await Subprocess.run(
                .path(FilePath("/bin/bash")), arguments: Arguments(["-c", command]), environment: .custom(entries),
                workingDirectory: FilePath(directory), platformOptions: options, input: .none, output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                await supervise(execution.standardOutput, group: ProcessGroup(leader: execution.processIdentifier.value))
            }
            return (result.closureResult.output, result.closureResult.ending, result.terminationStatus)
        } catch {
            throw AgentError("bash_failed", "/bin/bash could not be started", category: .internal, cause: error)
        }
    }

    private enum Event: Sendable {
        case drained(OutputCap)
        case leaderExited
        case timedOut
        case stopped
    }

    /// Reads the output until it ends, and the shell until it exits or the time is up; then
    /// kills what is left of the group. Runs while the shell is not yet reaped, so its id
    /// still names its group and no other process can have taken it.
    private func supervise(_ output: SubprocessOutputSequence, group: ProcessGroup) async -> (output: OutputCap, ending: Ending) {
        let limit = outputLimit
        let (captured, timedOut) = await withTaskGroup(of: Event.self) { tasks -> (OutputCap, Bool) in
            tasks.addTask {
                // Reading goes on until the pipe closes, whatever is kept, so that the child
                // never blocks on a full pipe.
                var cap = OutputCap(limit: limit)
                do {
                    for try await buffer in output { buffer.withUnsafeBytes { cap.append($0) } }
                } catch {}
                return .drained(cap)
            }
            tasks.addTask { await group.waitForLeaderExit() ? .leaderExited : .stopped }
            tasks.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .stopped
                }
            }
            var cap: OutputCap?
            var leaderExited = false
            var timedOut = false
            while let event = await tasks.next() {
                switch event {
                case .drained(let drained): cap = drained
                case .leaderExited: leaderExited = true
                case .timedOut:
                    timedOut = true
                    await group.terminate(grace: killGrace)
                case .stopped: break
                }
                if cap != nil, leaderExited { tasks.cancelAll() }
            }
            return (cap ?? OutputCap(limit: limit), timedOut)
        }
        let cancelled = Task.isCancelled && !timedOut
        if cancelled {
            // The caller is gone, but the group must still get its grace and its SIGKILL.
            let grace = killGrace
            await Task { await group.terminate(grace: grace) }.value
        }
        // Background jobs do not outlive the command.
        group.signal(SIGKILL)
        return (captured, timedOut ? .timedOut : cancelled ? .cancelled : .finished)
    }
}

/// The process group a shell leads (its id is the shell's).
struct ProcessGroup: Sendable {
    let leader: pid_t

    func signal(_ signal: Int32) {
        _ = kill(-leader, signal)
    }

    /// Whether the shell has exited; it is left unreaped for Subprocess to collect.
    var leaderHasExited: Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(leader), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return true }
        #if canImport(Glibc)
        return info._sifields._kill.si_pid != 0
        #else
        return info.si_pid != 0
        #endif
    }

    /// Waits for the shell to exit; false when the waiting task was cancelled first.
    func waitForLeaderExit() async -> Bool {
        var delay = Duration.milliseconds(2)
        while !leaderHasExited {
            do { try await Task.sleep(for: delay) } catch { return false }
            delay = min(delay * 2, .milliseconds(50))
        }
        return true
    }

    /// SIGTERM to the group; SIGKILL to the group once the shell has exited or `grace` is up.
    func terminate(grace: Duration) async {
        signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while !leaderHasExited, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        signal(SIGKILL)
    }
}

/// A command's output, bounded: the first and last halves of `limit` are kept, and the bytes
/// between are only counted.
struct OutputCap: Sendable {
    let limit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Every byte the command wrote.
    private(set) var total = 0

    init(limit: Int) {
        self.limit = limit
    }

    private var headLimit: Int { limit / 2 }
    private var tailLimit: Int { limit - limit / 2 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        total += bytes.count
        let intoHead = min(bytes.count, headLimit - head.count)
        head.append(contentsOf: bytes.prefix(intoHead))
        tail.append(contentsOf: bytes.dropFirst(intoHead))
        // Trimmed in batches so that appending stays linear.
        if tail.count > 2 * tailLimit { tail.removeFirst(tail.count - tailLimit) }
    }

    /// What is kept: the head and the tail, each cut back to whole characters when bytes
    /// between them are dropped, so that the marker does not sit inside a character.
    private var kept: (head: ArraySlice<UInt8>, tail: ArraySlice<UInt8>) {
        var tail = self.tail.suffix(tailLimit)
        guard total > head.count + tail.count else { return (head[...], tail) }
        while let first = tail.first, first & 0xC0 == 0x80 { tail = tail.dropFirst() }
        var end = head.count
        if let lead = head.suffix(4).lastIndex(where: { $0 & 0xC0 != 0x80 }), head[lead] >= 0xC0 {
            let length = head[lead] >= 0xF0 ? 4 : head[lead] >= 0xE0 ? 3 : 2
            if head.count - lead < length { end = lead }
        }
        return (head[..<end], tail)
    }

    /// Bytes written but not kept.
    var dropped: Int {
        let kept = kept
        return total - kept.head.count - kept.tail.count
    }

    /// The kept output as text, with a marker where bytes were dropped.
    var text: String {
        let kept = kept
        let dropped = total - kept.head.count - kept.tail.count
        guard dropped > 0 else { return String(decoding: kept.head + kept.tail, as: UTF8.self) }
        let marker = "\n[… \(dropped) bytes of output dropped …]\n"
        return String(decoding: kept.head, as: UTF8.self) + marker + String(decoding: kept.tail, as: UTF8.self)
    }
}
