extension ModelCatalog {
    /// The known id closest to a name that matched nothing, for "did you mean" hints (case
    /// ignored): the shortest id the name begins, else the id at the smallest edit distance
    /// (at most a quarter of the name's length), else the shortest id containing the name.
    public func suggestion(for name: String) -> String? {
        let lowered = name.lowercased()
        let query = Array(lowered.unicodeScalars)
        guard !query.isEmpty else { return nil }
        let ids = entriesByID.keys.sorted()
        // Among completions, current models before deprecated ones, then the shortest.
        let completions = ids.filter { $0.lowercased().hasPrefix(lowered) }
        if query.count >= 3, let completion = completions.min(by: { rank($0) < rank($1) }) {
            return completion
        }
        var best: (id: String, distance: Int)?
        for id in ids {
            let distance = ModelCatalog.editDistance(query, Array(id.lowercased().unicodeScalars), limit: best?.distance)
            if distance < (best?.distance ?? Int.max) { best = (id, distance) }
        }
        if let best, best.distance <= max(1, query.count / 4) { return best.id }
        guard query.count >= 3 else { return nil }
        return ids.filter { $0.lowercased().contains(lowered) }.min { rank($0) < rank($1) }
    }

    private func rank(_ id: String) -> (Int, Int) {
        (entriesByID[id]?.deprecated == true ? 1 : 0, id.count)
    }

    /// Levenshtein distance; stops early (returning a value above `limit`) once no
    /// alignment can beat `limit`.
    static func editDistance(_ left: [Unicode.Scalar], _ right: [Unicode.Scalar], limit: Int? = nil) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        if let limit, abs(left.count - right.count) > limit { return limit + 1 }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for (i, a) in left.enumerated() {
            current[0] = i + 1
            var rowMinimum = current[0]
            for (j, b) in right.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a == b ? 0 : 1))
                rowMinimum = Swift.min(rowMinimum, current[j + 1])
            }
            if let limit, rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
