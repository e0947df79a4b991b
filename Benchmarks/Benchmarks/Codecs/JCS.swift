import Benchmark
import TauCore

/// A JSON document of about `kibibytes` KiB in canonical form, shaped like what the node signs
/// and hashes: records with short and long strings, integers, fractions, booleans, nulls, a
/// nested array, non-ASCII text and characters that must be escaped, keys out of order.
func jcsDocument(kibibytes: Int) -> JSONValue {
    var records: [JSONValue] = []
    var size = 0
    var index = 0
    while size < kibibytes * 1024 {
        let record: JSONValue = [
            "zeta": .string("entry \(index) — café, naïve, 日本語, emoji 🎉"),
            "id": .string("msg_\(index)_8f14e45fceea167a5a36dedd4bea2543"),
            "amount": .number(Double(index) * 1_000.25),
            "count": .number(Double(index * 7)),
            "ok": .bool(index % 2 == 0),
            "missing": .null,
            "text": .string("line one\nline two\t\"quoted\" and a backslash \\ at \(index)"),
            "tags": ["mesh/1", "agent", .string("tag-\(index % 13)")],
            "nested": ["b": .number(1e21), "a": .number(0.000001), "c": ["x": .number(-0.5)]],
        ]
        size += record.canonicalBytes().count + 1
        records.append(record)
        index += 1
    }
    return ["version": "1", "records": .array(records)]
}

func jcsBenchmarks() {
    for kibibytes in [1, 16, 256] {
        Benchmark(
            "JCS canonicalBytes, \(kibibytes) KiB document", configuration: configuration(maxIterations: 50_000),
            closure: { (benchmark: Benchmark, document: JSONValue) in
                blackHole(document.canonicalBytes())
            }, setup: { jcsDocument(kibibytes: kibibytes) })
    }
}
