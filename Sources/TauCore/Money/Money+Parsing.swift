extension Money {
    /// How an amount with digits below a micro-unit is brought to micro-units.
    public enum Rounding: Sendable, Hashable {
        /// Refuse it with `money_too_precise`.
        case exact
        /// Round toward positive infinity (prices and charges: money fails closed).
        case up
    }

    /// Parses an amount written by a person: `25`, `0.5`, `.5`, `0.000001`, `$2.50`
    /// (the `$` for USD only), with at most 6 decimal places (zeros past the sixth are
    /// allowed: they change nothing). Exact: the digits are read as integers, never
    /// through a `Double`.
    ///
    /// No whitespace, exponents, digit separators, `inf` or `nan`.
    /// - Throws: ``CoreError`` `money_invalid` when the text is not such an amount,
    ///   `money_negative` when it is below zero and `allowingNegative` is false,
    ///   `money_too_precise` when it has non-zero digits past the sixth decimal place,
    ///   `money_overflow` when it is beyond ±9,223,372,036,854.775807.
    public init(parsing text: some StringProtocol, currency: Currency = .usd, allowingNegative: Bool = false) throws(CoreError) {
        let decimal = try DecimalText(String(text), allowsExponent: false, allowsDollarSign: currency == .usd)
        if decimal.isNegative && !allowingNegative && !decimal.isZero {
            throw CoreError("money_negative", "\(Money.quoted(text)) is below zero")
        }
        self = try decimal.money(currency: currency, shift: 0, rounding: .exact, text: text)
    }

    /// Parses decimal text written by a program: a JSON number's text, a provider's price.
    /// Accepts a sign, an exponent (`1e-05`, `2.5E+3`) and any number of digits; refuses
    /// `$`, whitespace and separators.
    ///
    /// - Parameters:
    ///   - shiftingDecimalPointBy: the amount is the text times 10 to this power, e.g. `6`
    ///     to read a per-token price `"0.0000003"` as a price per million tokens ($0.30).
    ///   - rounding: what to do with digits below a micro-unit after the shift.
    /// - Throws: ``CoreError`` `money_invalid`, `money_too_precise` (with `.exact`),
    ///   `money_overflow`.
    public init(
        decimal text: some StringProtocol, currency: Currency, shiftingDecimalPointBy shift: Int = 0, rounding: Rounding = .exact
    ) throws(CoreError) {
        let decimal = try DecimalText(String(text), allowsExponent: true, allowsDollarSign: false)
        self = try decimal.money(currency: currency, shift: shift, rounding: rounding, text: text)
    }

    /// The amount a number stands for, read from its shortest round-trip text (`0.1`, not
    /// the binary fraction nearest to it) and never multiplied as a `Double`: how JSON and
    /// TOML numbers become money.
    /// - Throws: ``CoreError`` `money_invalid` for NaN and infinities, `money_too_precise`
    ///   when the shortest text has digits below a micro-unit (`1e-07`, `0.30000000000000004`),
    ///   `money_overflow`.
    public init(number: Double, currency: Currency) throws(CoreError) {
        guard number.isFinite else { throw CoreError("money_invalid", "\(number) is not an amount") }
        try self.init(decimal: number.description, currency: currency)
    }

    static func quoted(_ text: some StringProtocol) -> String {
        "\"\(text.prefix(40))\(text.count > 40 ? "…" : "")\""
    }
}

/// A decimal number as written, kept as its digits: sign × digits × 10^exponent.
struct DecimalText {
    var isNegative: Bool
    /// Decimal digit values, most significant first, leading zeros included.
    var digits: [UInt8]
    /// The power of ten of the last digit.
    var exponent: Int

    var isZero: Bool { digits.allSatisfy { $0 == 0 } }

    /// `[+-]? $? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?`
    init(_ text: String, allowsExponent: Bool, allowsDollarSign: Bool) throws(CoreError) {
        func invalid() -> CoreError {
            CoreError("money_invalid", "\(Money.quoted(text)) is not an amount such as 25, 0.5 or 0.000001")
        }
        let bytes = Array(text.utf8)
        var index = 0
        isNegative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            isNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        if allowsDollarSign, index < bytes.count, bytes[index] == UInt8(ascii: "$") { index += 1 }
        digits = []
        var fractionCount = 0
        var integerCount = 0
        while index < bytes.count, let digit = DecimalText.digit(bytes[index]) {
            digits.append(digit)
            integerCount += 1
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, let digit = DecimalText.digit(bytes[index]) {
                digits.append(digit)
                fractionCount += 1
                index += 1
            }
        }
        guard integerCount + fractionCount > 0 else { throw invalid() }
        var written = 0
        if allowsExponent, index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var negativeExponent = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let start = index
            while index < bytes.count, let digit = DecimalText.digit(bytes[index]) {
                // Saturates: an exponent this large leaves nothing or overflows either way.
                written = min(written * 10 + Int(digit), 1_000_000)
                index += 1
            }
            guard index > start else { throw invalid() }
            if negativeExponent { written = -written }
        }
        guard index == bytes.count else { throw invalid() }
        exponent = written - fractionCount
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    /// The value × 10^`shift` in micro-units of `currency`.
    func money(currency: Currency, shift: Int, rounding: Money.Rounding, text: some StringProtocol) throws(CoreError) -> Money {
        // Micro-units = digits × 10^(exponent + shift + 6): digits past that point are dropped
        // (and must be zeros unless rounding up), or zeros are appended.
        let scale = exponent + shift + Money.fractionDigits
        let kept = scale >= 0 ? digits.count : max(0, digits.count + scale)
        let limit: UInt64 = isNegative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        func overflow() -> CoreError { Money.overflow(Money.quoted(text)) }
        var magnitude: UInt64 = 0
        for digit in digits[..<kept] {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2, next <= limit else { throw overflow() }
            magnitude = next
        }
        if scale > 0, magnitude > 0 {
            for _ in 0..<scale {
                let (next, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflowed, next <= limit else { throw overflow() }
                magnitude = next
            }
        }
        if digits[kept...].contains(where: { $0 != 0 }) {
            switch rounding {
            case .exact:
                throw CoreError("money_too_precise", "\(Money.quoted(text)) has more than \(Money.fractionDigits) decimal places")
            case .up where !isNegative:
                // Toward positive infinity; a negative amount already rounded that way when truncated.
                guard magnitude < limit else { throw overflow() }
                magnitude += 1
            case .up:
                break
            }
        }
        let microunits = isNegative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
        return Money(microunits: microunits, currency: currency)
    }
}
