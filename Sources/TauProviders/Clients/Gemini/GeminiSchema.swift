import TauCore

/// Turns a tool's JSON Schema into the OpenAPI 3.0 subset Gemini's `parameters`
/// accepts (the v1beta `Schema` object), which refuses unknown keywords with a 400.
///
/// Kept: the `Schema` fields `type`, `format`, `title`, `description`, `nullable`,
/// `enum`, `items`, `properties`, `required`, `propertyOrdering`, `anyOf`, `minItems`,
/// `maxItems`, `minProperties`, `maxProperties`, `minLength`, `maxLength`, `pattern`,
/// `minimum`, `maximum`, `default`, `example`. Rewritten: `type` in upper case; a type
/// list becomes one type plus `nullable` (or `anyOf` for several types); `oneOf` becomes
/// `anyOf`; `const` becomes a one-value `enum`; a one-element `allOf` is merged in;
/// local `$ref`s (`#/$defs/…`, `#/definitions/…`) are inlined, recursion cut after a
/// few levels, and no more inlined once the result has `maximumNodes` nodes (properties
/// are cleaned in name order, so the cut falls in the same place every time). Dropped:
/// every other keyword (`$schema`, `$id`, `$defs`, `additionalProperties`,
/// `patternProperties`, `exclusiveMinimum`, `multipleOf`, `uniqueItems`, `not`,
/// `examples`, …), `enum`s that are not all strings (Gemini's enums are string-only),
/// `format`s Gemini does not know for the type, `required` names that are not among the
/// properties, and empty `properties`.
enum GeminiSchema {
    static let keptKeywords: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "items", "properties", "required",
        "propertyOrdering", "anyOf", "minItems", "maxItems", "minProperties", "maxProperties", "minLength",
        "maxLength", "pattern", "minimum", "maximum", "default", "example",
    ]

    static let formats: [String: Set<String>] = [
        "STRING": ["enum", "date-time"], "INTEGER": ["int32", "int64"], "NUMBER": ["float", "double"],
    ]

    /// How many `$ref`s deep a schema is inlined before a recursive type is cut off.
    static let maximumReferenceDepth = 6

    /// How many schema nodes a sanitized schema gets before `$ref`s stop being inlined.
    /// Without it, a few hundred bytes of references that fan out (a definition whose
    /// `anyOf` lists itself a dozen times) would inline into millions of nodes, 12^6 here.
    static let maximumNodes = 10_000

    /// The schema in Gemini's subset.
    static func sanitize(_ schema: JSONValue) -> JSONValue {
        var definitions: [String: JSONValue] = [:]
        for key in ["definitions", "$defs"] {
            for (name, definition) in schema[key]?.objectValue ?? [:] { definitions["#/\(key)/\(name)"] = definition }
        }
        var budget = maximumNodes
        return clean(schema, definitions: definitions, depth: 0, budget: &budget)
    }

    /// - Parameter budget: nodes the result may still get; references are inlined only while it lasts.
    private static func clean(
        _ schema: JSONValue, definitions: [String: JSONValue], depth: Int, budget: inout Int
    ) -> JSONValue {
        guard var node = schema.objectValue else { return [:] }
        budget -= 1
        if let reference = node["$ref"]?.stringValue {
            node["$ref"] = nil
            guard depth < maximumReferenceDepth, budget > 0, let target = definitions[reference]?.objectValue else {
                // An unknown or too deeply recursive reference, or too many: keep what the node says of itself.
                return clean(.object(node.merging(["type": "object"]) { own, _ in own }), definitions: [:], depth: depth, budget: &budget)
            }
            return clean(.object(target.merging(node) { _, own in own }), definitions: definitions, depth: depth + 1, budget: &budget)
        }
        if let all = node["allOf"]?.arrayValue, all.count == 1, let only = all[0].objectValue {
            node["allOf"] = nil
            node.merge(only) { own, _ in own }
        }
        if node["anyOf"] == nil, let one = node["oneOf"] { node["anyOf"] = one }
        if let constant = node["const"], node["enum"] == nil { node["enum"] = [constant] }

        var result: [String: JSONValue] = [:]
        for (key, value) in node where keptKeywords.contains(key) {
            switch key {
            case "type", "format", "enum", "properties", "required", "anyOf", "items", "propertyOrdering":
                continue  // handled below
            default:
                result[key] = value
            }
        }
        applyType(node["type"], to: &result)
        if let items = node["items"], items.objectValue != nil {
            result["items"] = clean(items, definitions: definitions, depth: depth, budget: &budget)
        }
        if let variants = node["anyOf"]?.arrayValue {
            var kept: [JSONValue] = []
            for variant in variants {
                if variant["type"]?.stringValue == "null" {
                    result["nullable"] = true
                } else {
                    kept.append(clean(variant, definitions: definitions, depth: depth, budget: &budget))
                }
            }
            if kept.count == 1, result["type"] == nil, let only = kept[0].objectValue {
                result.merge(only) { own, _ in own }
            } else if !kept.isEmpty {
                result["anyOf"] = .array(kept)
            }
        }
        if let properties = node["properties"]?.objectValue, !properties.isEmpty {
            var cleaned: [String: JSONValue] = [:]
            for name in properties.keys.sorted() {
                cleaned[name] = clean(properties[name] ?? [:], definitions: definitions, depth: depth, budget: &budget)
            }
            result["properties"] = .object(cleaned)
            let names = node["required"]?.arrayValue?.compactMap(\.stringValue).filter { properties[$0] != nil } ?? []
            if !names.isEmpty { result["required"] = .array(names.map(JSONValue.string)) }
            let order = node["propertyOrdering"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if !order.isEmpty { result["propertyOrdering"] = .array(order.map(JSONValue.string)) }
        }
        if let values = node["enum"]?.arrayValue, !values.isEmpty, values.allSatisfy({ $0.stringValue != nil }) {
            result["enum"] = .array(values)
            if result["type"] == nil { result["type"] = "STRING" }
        }
        if let format = node["format"]?.stringValue, let type = result["type"]?.stringValue,
            formats[type]?.contains(format) == true
        {
            result["format"] = .string(format)
        }
        return .object(result)
    }

    /// Sets `type` (upper case) from a JSON Schema type or list of types.
    private static func applyType(_ type: JSONValue?, to result: inout [String: JSONValue]) {
        if let name = type?.stringValue {
            if name == "null" {
                result["nullable"] = true
            } else {
                result["type"] = .string(name.uppercased())
            }
            return
        }
        guard let names = type?.arrayValue?.compactMap(\.stringValue), !names.isEmpty else { return }
        let concrete = names.filter { $0 != "null" }
        if concrete.count < names.count { result["nullable"] = true }
        if concrete.count == 1 {
            result["type"] = .string(concrete[0].uppercased())
        } else if concrete.count > 1 {
            result["anyOf"] = .array(concrete.map { ["type": .string($0.uppercased())] })
        }
    }
}
