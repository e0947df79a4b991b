#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement: write a temporary file in the same directory,
/// fsync it, rename it over the target, then fsync the directory. Readers see
/// either the old file or the new one, never a torn mix.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically with the given permission bits.
    /// - Throws: ``CoreError`` `file_write_failed` naming the failing step.
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644) throws(CoreError) {
        let directory = parentDirectory(of: path)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        // The umask must not widen or narrow what the caller asked for.
        _ = fchmod(descriptor, mode_t(mode))
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                close(descriptor)
                throw failure("write", temporary)
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            throw failure("fsync", temporary)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw failure("rename", path) }
        succeeded = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Writes a UTF-8 string atomically.
    public static func write(_ text: String, to path: String, mode: UInt32 = 0o644) throws(CoreError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    private static func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, pointer, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, pointer, count)
        #else
        Darwin.write(descriptor, pointer, count)
        #endif
    }

    private static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func failure(_ step: String, _ path: String) -> CoreError {
        CoreError("file_write_failed", "could not \(step) \(path): \(String(cString: strerror(errno)))", category: .internal)
    }
}
