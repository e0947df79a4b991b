/// `Money` on its own is an object with its currency, the amount as an exact decimal
/// string:
///
/// ```json
/// {"amount": "0.001234", "currency": "USD"}
/// ```
///
/// A string because a JSON number is a double to most readers, which cannot hold every
/// amount. Decoding also accepts the amount as a number (JSON or TOML), read from its
/// shortest text form (``Money/init(number:currency:)``) or, for a TOML or JSON integer,
/// as whole units.
///
/// A field whose name already says the currency (`budget_usd`, `input_price_per_million`)
/// holds the amount alone: see `encodeAmount(_:forKey:)` and `decodeAmount(_:forKey:)`.
extension Money: Codable {
    enum CodingKeys: String, CodingKey {
        case amount, currency
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(String.self, forKey: .currency)
        let currency: Currency
        do {
            currency = try Currency(code: code)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .currency, in: container, debugDescription: error.description)
        }
        self = try container.decodeAmount(currency, forKey: .amount)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(decimalString, forKey: .amount)
        try container.encode(currency.code, forKey: .currency)
    }
}

extension KeyedDecodingContainer {
    /// An amount of `currency` written alone: a decimal string (`"2.5"`, negatives allowed),
    /// an integer (whole units) or another number (read from its shortest text form).
    /// - Throws: `DecodingError.dataCorrupted` carrying the ``CoreError`` (`money_invalid`,
    ///   `money_too_precise`, `money_overflow`) when the value is not an exact amount.
    public func decodeAmount(_ currency: Currency, forKey key: Key) throws -> Money {
        do {
            if let text = try? decode(String.self, forKey: key) {
                return try Money(parsing: text, currency: currency, allowingNegative: true)
            }
            if let units = try? decode(Int64.self, forKey: key) {
                return try Money(units: units, currency: currency)
            }
            return try Money(number: try decode(Double.self, forKey: key), currency: currency)
        } catch let error as CoreError {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.description)
        }
    }

    /// ``decodeAmount(_:forKey:)``, or nil when the key is absent or null.
    public func decodeAmountIfPresent(_ currency: Currency, forKey key: Key) throws -> Money? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeAmount(currency, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Writes the amount alone (its currency is implied by the key): a number when its
    /// shortest form as a double has exactly its digits (every amount with up to 15
    /// significant digits, e.g. anything under a billion units), else an exact decimal
    /// string. `nil` is written as null.
    public mutating func encodeAmount(_ money: Money?, forKey key: Key) throws {
        guard let money else { return try encodeNil(forKey: key) }
        if let number = money.exactDouble {
            try encode(number, forKey: key)
        } else {
            try encode(money.decimalString, forKey: key)
        }
    }
}

extension Money {
    /// The double whose shortest text is exactly this amount, if there is one: what a JSON
    /// or TOML number can carry without changing the amount.
    var exactDouble: Double? {
        guard let number = Double(decimalString), (try? Money(number: number, currency: currency)) == self else { return nil }
        return number
    }
}
