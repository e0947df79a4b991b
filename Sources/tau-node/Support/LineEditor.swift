import CEditLine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads the lines a user types: with line editing and a history file (libedit) on a
/// terminal, plain lines from a pipe. Each read runs on a thread of its own, so a user
/// thinking over a prompt holds no thread of Swift's cooperative pool.
final class LineEditor: Sendable {
    let historyPath: String?
    let interactive: Bool
    /// Whether the terminal's locale is UTF-8; libedit cannot show other bytes in a prompt.
    let unicode: Bool
    /// Most lines the history file keeps.
    static let historyLimit: Int32 = 1_000

    init(historyPath: String?) {
        self.historyPath = historyPath
        interactive = isatty(STDIN_FILENO) == 1
        // libedit decodes prompts and input with the C library's locale: without this a
        // UTF-8 prompt or a typed `é` would not decode (and libedit crashes on the prompt).
        setlocale(LC_CTYPE, "")
        unicode = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        if interactive {
            using_history()
            stifle_history(Self.historyLimit)
            if let historyPath { _ = read_history(historyPath) }
        }
    }

    /// The next line without its newline; nil at the end of input (Ctrl-D).
    /// - Parameter remember: whether the line goes into the history (not for y/n answers).
    func readLine(prompt: String, remember: Bool = true) async -> String? {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in continuation.resume(returning: self.blockingRead(prompt: prompt, remember: remember)) }
            // libedit keeps large buffers on the stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func blockingRead(prompt: String, remember: Bool) -> String? {
        guard interactive else {
            Output.standardError(prompt)
            return Swift.readLine(strippingNewline: true)
        }
        let shown = unicode ? prompt : String(prompt.unicodeScalars.map { $0.isASCII ? Character($0) : ">" })
        guard let pointer = readline(shown) else { return nil }
        defer { free(pointer) }
        let line = String(cString: pointer)
        if remember, !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(line)
            if let historyPath {
                _ = write_history(historyPath)
                // History can hold what the user typed (paths, prompts): keep it to the user.
                chmod(historyPath, 0o600)
            }
        }
        return line
    }
}

/// A spinner on standard error while the model has not answered yet; nothing when standard
/// error is not a terminal.
final class Spinner: Sendable {
    private let task: Task<Void, Never>?

    init(_ label: String = "thinking") {
        guard isatty(STDERR_FILENO) == 1 else {
            task = nil
            return
        }
        task = Task {
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var index = 0
            while !Task.isCancelled {
                Output.standardError("\r\(frames[index % frames.count]) \(label)")
                index += 1
                try? await Task.sleep(for: .milliseconds(90))
            }
            Output.standardError("\r\u{1B}[K")
        }
    }

    /// Stops and clears the spinner; waits until its line is cleared.
    func stop() async {
        task?.cancel()
        await task?.value
    }
}
