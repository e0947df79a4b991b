import Foundation
import MCP
import TauCore

extension Value {
    /// The MCP form of a JSON value; whole numbers become integers, as servers expect for
    /// `integer` arguments.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value):
            if value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992 {
                self = .int(Int(value))
            } else {
                self = .double(value)
            }
        case .string(let value): self = .string(value)
        case .array(let values): self = .array(values.map(Value.init))
        case .object(let members): self = .object(members.mapValues(Value.init))
        }
    }
}

extension JSONValue {
    /// The JSON form of an MCP value; binary data becomes a `data:` URL, as MCP writes it.
    init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(Double(number))
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let values): self = .array(values.map { JSONValue($0) })
        case .object(let members): self = .object(members.mapValues { JSONValue($0) })
        }
    }
}
