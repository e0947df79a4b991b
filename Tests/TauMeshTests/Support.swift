import TauCore

/// Lets tests write JSON literals without importing TauCore's literal conformances by name.
struct JSONValueLike: ExpressibleByDictionaryLiteral {
    let value: JSONValue
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        for (key, value) in elements { members[key] = value }
        value = .object(members)
    }
}
