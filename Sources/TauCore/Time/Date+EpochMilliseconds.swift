import Foundation

extension Date {
    /// Milliseconds since 1970-01-01T00:00:00Z, rounded toward negative infinity.
    public var epochMilliseconds: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds.isFinite else { return 0 }
        return Int64(max(Double(Int64.min / 2), min(Double(Int64.max / 2), milliseconds)))
    }

    /// The time `milliseconds` after 1970-01-01T00:00:00Z.
    public init(epochMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
