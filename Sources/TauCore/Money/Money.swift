/// An exact amount of money: a signed count of micro-units (millionths) of a ``Currency``.
///
/// `Money(microunits: 2_500_000, currency: .usd)` is $2.50; the range is that of `Int64`,
/// about ±9.2 trillion units. No `Double` is ever involved: amounts are parsed from decimal
/// text digit by digit (``init(parsing:currency:allowingNegative:)``), added and multiplied
/// with checked integer arithmetic that throws instead of trapping, and formatted back to
/// exact decimal text (``decimalString``).
///
/// Prices of model tokens are `Money` per million tokens ($2.50 / M is 2,500,000 micro-USD);
/// ``cost(of:currency:)`` turns token counts and such prices into what a call costs, rounded
/// up to a micro-unit so that money fails closed.
///
/// Errors are ``CoreError``s with stable codes: `money_invalid`, `money_negative`,
/// `money_too_precise`, `money_overflow`, `currency_mismatch`.
public struct Money: Sendable, Hashable {
    /// The amount in millionths of one unit of ``currency``.
    public let microunits: Int64
    /// What the amount is counted in.
    public let currency: Currency

    /// Micro-units in one unit (one dollar, one credit).
    public static let microunitsPerUnit: Int64 = 1_000_000
    /// Decimal places of a micro-unit.
    public static let fractionDigits = 6

    /// An amount of `microunits` millionths of `currency`.
    public init(microunits: Int64, currency: Currency) {
        self.microunits = microunits
        self.currency = currency
    }

    /// A whole number of units, e.g. `Money(units: 25, currency: .usd)` for $25.
    /// - Throws: ``CoreError`` `money_overflow` beyond ±9,223,372,036,854 units.
    public init(units: Int64, currency: Currency) throws(CoreError) {
        let (product, overflow) = units.multipliedReportingOverflow(by: Money.microunitsPerUnit)
        guard !overflow else { throw Money.overflow("\(units) \(currency.code)") }
        self.init(microunits: product, currency: currency)
    }

    /// Nothing, in `currency`.
    public static func zero(_ currency: Currency) -> Money {
        Money(microunits: 0, currency: currency)
    }

    /// Whether the amount is exactly zero.
    public var isZero: Bool { microunits == 0 }
    /// Whether the amount is above zero.
    public var isPositive: Bool { microunits > 0 }
    /// Whether the amount is below zero.
    public var isNegative: Bool { microunits < 0 }
}

// MARK: - Checked arithmetic

extension Money {
    /// `self + other`.
    /// - Throws: ``CoreError`` `currency_mismatch` when the currencies differ, `money_overflow`
    ///   when the sum leaves the range of `Int64` micro-units.
    public func adding(_ other: Money) throws(CoreError) -> Money {
        try requireSameCurrency(other, "add")
        let (sum, overflow) = microunits.addingReportingOverflow(other.microunits)
        guard !overflow else { throw Money.overflow("\(self) + \(other)") }
        return Money(microunits: sum, currency: currency)
    }

    /// `self - other`.
    /// - Throws: ``CoreError`` `currency_mismatch`, `money_overflow`.
    public func subtracting(_ other: Money) throws(CoreError) -> Money {
        try requireSameCurrency(other, "subtract")
        let (difference, overflow) = microunits.subtractingReportingOverflow(other.microunits)
        guard !overflow else { throw Money.overflow("\(self) - \(other)") }
        return Money(microunits: difference, currency: currency)
    }

    /// `self × factor`.
    /// - Throws: ``CoreError`` `money_overflow`.
    public func multiplied(by factor: Int64) throws(CoreError) -> Money {
        let (product, overflow) = microunits.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw Money.overflow("\(self) × \(factor)") }
        return Money(microunits: product, currency: currency)
    }

    /// `-self`.
    /// - Throws: ``CoreError`` `money_overflow` for the one amount without a positive
    ///   counterpart, `Int64.min` micro-units.
    public func negated() throws(CoreError) -> Money {
        guard microunits != .min else { throw Money.overflow("-(\(self))") }
        return Money(microunits: -microunits, currency: currency)
    }

    /// The sum of `amounts`, all in `currency`; zero when there are none.
    /// - Throws: ``CoreError`` `currency_mismatch`, `money_overflow`.
    public static func sum(_ amounts: some Sequence<Money>, currency: Currency) throws(CoreError) -> Money {
        var total = Money.zero(currency)
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    /// What `quantity × price` cost summed over `lines`, where each price is per million
    /// units (per million tokens): `ceil(Σ quantity × price.microunits / 1,000,000)`
    /// micro-units.
    ///
    /// The sum is exact (128-bit) and rounded once, toward positive infinity, so that a
    /// charge is never rounded in the payer's favour.
    /// - Throws: ``CoreError`` `currency_mismatch` when a price is not in `currency`,
    ///   `money_overflow` when the result leaves the range of `Int64` micro-units.
    public static func cost(of lines: [(quantity: Int, pricePerMillion: Money)], currency: Currency) throws(CoreError) -> Money {
        var total: Int128 = 0
        for (quantity, price) in lines {
            try Money.zero(currency).requireSameCurrency(price, "price")
            let (sum, overflow) = total.addingReportingOverflow(Int128(quantity) * Int128(price.microunits))
            guard !overflow else { throw Money.overflow("a cost of \(lines.count) lines") }
            total = sum
        }
        let perMillion = Int128(Money.microunitsPerUnit)
        var quotient = total / perMillion
        if total % perMillion > 0 { quotient += 1 }
        guard let microunits = Int64(exactly: quotient) else { throw Money.overflow("a cost of \(lines.count) lines") }
        return Money(microunits: microunits, currency: currency)
    }

    func requireSameCurrency(_ other: Money, _ operation: String) throws(CoreError) {
        guard currency == other.currency else {
            throw CoreError("currency_mismatch", "cannot \(operation) \(other.currency.code) and \(currency.code) amounts")
        }
    }

    static func overflow(_ what: String) -> CoreError {
        CoreError("money_overflow", "\(what.prefix(120)) is beyond the range of an amount (±9,223,372,036,854.775807)")
    }
}

// MARK: - Ordering

extension Money: Comparable {
    /// Amounts of one currency compare by value. Amounts of different currencies have no
    /// meaningful order; they are ordered by currency code first, so that sorting never traps.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        guard lhs.currency == rhs.currency else { return lhs.currency.code < rhs.currency.code }
        return lhs.microunits < rhs.microunits
    }
}
