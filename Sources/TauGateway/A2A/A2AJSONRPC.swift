import Foundation
import TauCore

/// The two JSON shapes A2A clients speak: protocol 1.0 (PascalCase methods, ProtoJSON
/// enums such as `TASK_STATE_COMPLETED`, results wrapped as `{"task": …}`) and protocol
/// 0.3 (`message/send` and friends, `kind` discriminators, lowercase states). A request's
/// method name decides which one answers it.
enum A2ADialect: Sendable {
    case v1
    case v03
}

/// One A2A operation, whichever name it was called by.
enum A2AMethod: Sendable, Equatable {
    case sendMessage
    case sendStreamingMessage
    case getTask
    case cancelTask
    case subscribeToTask
    case listTasks
    case pushNotificationConfig
    case getExtendedAgentCard

    /// The operation and dialect of a JSON-RPC method name; nil when unknown.
    static func named(_ name: String) -> (A2AMethod, A2ADialect)? {
        switch name {
        case "SendMessage": return (.sendMessage, .v1)
        case "SendStreamingMessage": return (.sendStreamingMessage, .v1)
        case "GetTask": return (.getTask, .v1)
        case "CancelTask": return (.cancelTask, .v1)
        case "SubscribeToTask": return (.subscribeToTask, .v1)
        case "ListTasks": return (.listTasks, .v1)
        case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig", "ListTaskPushNotificationConfigs",
            "DeleteTaskPushNotificationConfig":
            return (.pushNotificationConfig, .v1)
        case "GetExtendedAgentCard": return (.getExtendedAgentCard, .v1)
        case "message/send": return (.sendMessage, .v03)
        case "message/stream": return (.sendStreamingMessage, .v03)
        case "tasks/get": return (.getTask, .v03)
        case "tasks/cancel": return (.cancelTask, .v03)
        case "tasks/resubscribe": return (.subscribeToTask, .v03)
        case "tasks/pushNotificationConfig/set", "tasks/pushNotificationConfig/get", "tasks/pushNotificationConfig/list",
            "tasks/pushNotificationConfig/delete":
            return (.pushNotificationConfig, .v03)
        case "agent/getAuthenticatedExtendedCard": return (.getExtendedAgentCard, .v03)
        default: return nil
        }
    }
}

/// A JSON-RPC error as A2A defines them: the numeric code, a message, and tau-node's
/// stable snake_case reason in `data` (a `google.rpc.ErrorInfo`).
struct A2ARPCError: Error, Sendable, Equatable {
    let code: Int
    let reason: String
    let message: String

    static func parse(_ message: String) -> A2ARPCError { A2ARPCError(code: -32700, reason: "invalid_json", message: message) }
    static func invalidRequest(_ reason: String, _ message: String) -> A2ARPCError { A2ARPCError(code: -32600, reason: reason, message: message) }
    static func methodNotFound(_ name: String) -> A2ARPCError {
        A2ARPCError(code: -32601, reason: "method_not_found", message: "no method \(name.prefix(80))")
    }
    static func invalidParams(_ reason: String, _ message: String) -> A2ARPCError { A2ARPCError(code: -32602, reason: reason, message: message) }
    static func `internal`(_ reason: String, _ message: String) -> A2ARPCError { A2ARPCError(code: -32603, reason: reason, message: message) }
    static func taskNotFound(_ id: String) -> A2ARPCError {
        A2ARPCError(code: -32001, reason: "task_not_found", message: "no task \(id.prefix(64))")
    }
    static func taskNotCancelable(_ id: String) -> A2ARPCError {
        A2ARPCError(code: -32002, reason: "task_not_cancelable", message: "task \(id.prefix(64)) has already ended")
    }
    static func pushNotSupported() -> A2ARPCError {
        A2ARPCError(code: -32003, reason: "push_notifications_unsupported", message: "this agent sends no push notifications")
    }
    static func unsupported(_ reason: String, _ message: String) -> A2ARPCError { A2ARPCError(code: -32004, reason: reason, message: message) }
    static func contentType(_ message: String) -> A2ARPCError { A2ARPCError(code: -32005, reason: "content_type_unsupported", message: message) }
    static func noExtendedCard() -> A2ARPCError {
        A2ARPCError(code: -32007, reason: "extended_card_unavailable", message: "this agent has no extended agent card")
    }
    static func version(_ version: String) -> A2ARPCError {
        A2ARPCError(code: -32009, reason: "version_unsupported", message: "A2A-Version \(version.prefix(20)) is not served; use 1.0 or 0.3")
    }

    /// A coded error of another module, as the JSON-RPC error that reports it.
    init(_ error: any TauError) {
        switch error.category {
        case .invalidInput: self.init(code: -32602, reason: error.code, message: error.message)
        case .notFound: self.init(code: -32001, reason: error.code, message: error.message)
        default: self.init(code: -32603, reason: error.code, message: error.message)
        }
    }

    init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    var json: JSONValue {
        [
            "code": .number(Double(code)), "message": .string(message),
            "data": [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": .string(reason), "domain": "tau-node.dev"]],
        ]
    }
}

/// A JSON-RPC 2.0 request, checked.
struct A2ARPCRequest: Sendable {
    /// The id to echo (string, number or null).
    let id: JSONValue
    let method: A2AMethod
    let dialect: A2ADialect
    let params: JSONValue

    /// Reads a request body. Batches are not served.
    /// - Throws: ``A2ARPCError`` (parse error, invalid request, method not found), with the
    ///   id recovered when there is one (``Refused``).
    static func parse(_ bytes: [UInt8]) throws(Refused) -> A2ARPCRequest {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw Refused(id: .null, error: .parse("the body is not valid JSON"))
        }
        guard let members = json.objectValue else {
            throw Refused(id: .null, error: .invalidRequest("invalid_request", "send one JSON-RPC 2.0 request object (batches are not served)"))
        }
        let id = members["id"] ?? .null
        switch id {
        case .string, .number, .null: break
        default: throw Refused(id: .null, error: .invalidRequest("invalid_request", "`id` must be a string, a number or null"))
        }
        guard members["jsonrpc"]?.stringValue == "2.0" else {
            throw Refused(id: id, error: .invalidRequest("invalid_request", "`jsonrpc` must be \"2.0\""))
        }
        guard let name = members["method"]?.stringValue else {
            throw Refused(id: id, error: .invalidRequest("invalid_request", "`method` must be a string"))
        }
        guard let (method, dialect) = A2AMethod.named(name) else { throw Refused(id: id, error: .methodNotFound(name)) }
        let params = members["params"] ?? [:]
        guard params.objectValue != nil else { throw Refused(id: id, error: .invalidParams("invalid_params", "`params` must be an object")) }
        return A2ARPCRequest(id: id, method: method, dialect: dialect, params: params)
    }

    /// A request that could not be read, with the id to answer under.
    struct Refused: Error {
        let id: JSONValue
        let error: A2ARPCError
    }
}

/// JSON-RPC response envelopes.
enum A2ARPCResponse {
    static func result(_ result: JSONValue, id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func error(_ error: A2ARPCError, id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.json]
    }

    /// Whether the `A2A-Version` header names a protocol this node serves (1.0 or 0.3; an
    /// empty or missing header means 0.3; a patch number is ignored).
    static func isServed(version: String?) -> Bool {
        guard let version = version?.trimmingCharacters(in: .whitespaces), !version.isEmpty else { return true }
        let parts = version.split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return false }
        return (major, minor) == (1, 0) || (major, minor) == (0, 3)
    }
}
