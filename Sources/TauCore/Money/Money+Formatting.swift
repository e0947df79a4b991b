extension Money: CustomStringConvertible {
    /// The exact amount with as few decimal places as it needs: `0.001234`, `25`, `-0.5`.
    /// ``init(parsing:currency:allowingNegative:)`` reads it back to the same amount.
    public var decimalString: String {
        let (whole, fraction) = Money.split(microunits)
        var digits = Money.padded(fraction, to: Money.fractionDigits)
        while digits.hasSuffix("0") { digits.removeLast() }
        return (microunits < 0 ? "-" : "") + String(whole) + (digits.isEmpty ? "" : "." + digits)
    }

    /// The amount with exactly `places` decimal places (0 to 6; more are clamped to 6),
    /// rounded half away from zero when `places` is below 6: `decimalString(places: 4)`
    /// of 0.00125 is `0.0013`, of 25 is `25.0000`.
    public func decimalString(places: Int) -> String {
        let places = min(max(places, 0), Money.fractionDigits)
        var step: UInt64 = 1
        for _ in places..<Money.fractionDigits { step *= 10 }
        // The magnitude, so that Int64.min has one; rounded to a multiple of `step`.
        var magnitude = microunits.magnitude
        let remainder = magnitude % step
        magnitude -= remainder
        if step > 1, remainder >= step / 2 { magnitude += step }
        let whole = magnitude / UInt64(Money.microunitsPerUnit)
        let fraction = magnitude % UInt64(Money.microunitsPerUnit) / step
        let sign = microunits < 0 && magnitude > 0 ? "-" : ""
        return sign + String(whole) + (places == 0 ? "" : "." + Money.padded(fraction, to: places))
    }

    /// The amount for people, with `places` decimal places as in ``decimalString(places:)``,
    /// or all it needs when nil: `$25.0000`, `-$0.50`, `1.5 credits`.
    public func formatted(places: Int? = nil) -> String {
        let text = places.map(decimalString(places:)) ?? decimalString
        switch currency {
        case .usd: return text.hasPrefix("-") ? "-$" + text.dropFirst() : "$" + text
        case .credits: return text + " credits"
        }
    }

    /// ``formatted(places:)`` with every digit: `$0.001234`.
    public var description: String { formatted() }

    /// Whole units and the micro-unit remainder of the magnitude of `microunits`.
    private static func split(_ microunits: Int64) -> (whole: UInt64, fraction: UInt64) {
        let magnitude = microunits.magnitude
        return (magnitude / UInt64(microunitsPerUnit), magnitude % UInt64(microunitsPerUnit))
    }

    private static func padded(_ value: UInt64, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
