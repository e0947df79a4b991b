import Foundation
import TauCore

/// Where tools may read and write: inside the workspace (and any extra roots), never inside
/// a protected path (the node home: keystore, database, operator token), whatever else is
/// allowed. Paths are judged after symbolic links are resolved, so a link inside the
/// workspace that points at the keystore is refused like the keystore itself.
public struct PathPolicy: Sendable, Equatable {
    /// The directory relative paths start from; itself an allowed root.
    public let workspace: String
    /// Directories tools may use, besides the workspace (resolved, absolute).
    public let roots: [String]
    /// Files and directories no tool may read or write (resolved, absolute).
    public let protected: [String]

    /// - Parameters:
    ///   - workspace: an existing directory.
    ///   - extraRoots: more directories tools may use.
    ///   - protected: paths no tool may touch; the node home belongs here.
    /// - Throws: ``AgentError`` `workspace_invalid` when the workspace is not a directory.
    public init(workspace: String, extraRoots: [String] = [], protected: [String]) throws(AgentError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workspace, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AgentError("workspace_invalid", "the workspace \(workspace) is not a directory")
        }
        let resolvedWorkspace = Self.resolved(workspace)
        self.workspace = resolvedWorkspace
        self.roots = [resolvedWorkspace] + extraRoots.map(Self.resolved)
        self.protected = protected.map(Self.resolved)
    }

    /// The absolute, resolved path a tool may use for `path`.
    /// - Throws: ``AgentError`` `path_outside_workspace`, `path_protected`, `path_invalid`.
    public func check(_ path: String) throws(AgentError) -> String {
        guard !path.isEmpty, !path.contains("\0") else { throw AgentError("path_invalid", "the path is empty or holds a NUL byte") }
        let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
        let resolved = Self.resolved(absolute)
        if protected.contains(where: { Self.isInside(resolved, $0) }) {
            throw .pathProtected("\(path) is protected (the node's keys and data); no tool may read or write it")
        }
        guard roots.contains(where: { Self.isInside(resolved, $0) }) else {
            throw .pathOutsideWorkspace("\(path) is outside the workspace \(workspace)")
        }
        return resolved
    }

    static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// `path` made absolute with `.`/`..` removed and symbolic links resolved; for a path that
    /// does not exist yet, its longest existing ancestor is resolved and the rest appended.
    static func resolved(_ path: String) -> String {
        var components: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(String(part))
            }
        }
        // Resolve from the longest prefix that exists, so links anywhere in it count.
        var existing = components.count
        while existing > 0 {
            let prefix = "/" + components.prefix(existing).joined(separator: "/")
            if let real = realPath(prefix) {
                let rest = components.dropFirst(existing)
                return rest.isEmpty ? real : (real == "/" ? "" : real) + "/" + rest.joined(separator: "/")
            }
            existing -= 1
        }
        return "/" + components.joined(separator: "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

extension CodedError where Domain == AgentErrors {
    static let pathProtectedCode = "path_protected"
    static let pathOutsideWorkspaceCode = "path_outside_workspace"

    /// A path inside a protected path (the node home), refused whatever the policy allows.
    static func pathProtected(_ message: String) -> Self { Self(pathProtectedCode, message, category: .unauthorized) }
    /// A path outside the workspace and the extra roots.
    static func pathOutsideWorkspace(_ message: String) -> Self { Self(pathOutsideWorkspaceCode, message, category: .unauthorized) }

    /// Whether a tool was refused a path by the path policy (audited as `path_refused`).
    public var isPathRefusal: Bool { code == Self.pathProtectedCode || code == Self.pathOutsideWorkspaceCode }
}
