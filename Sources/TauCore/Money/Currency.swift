/// The unit an amount of ``Money`` is counted in.
///
/// A closed set on purpose: an amount in a currency the node does not know is refused
/// when decoded (`currency_unknown`), never guessed.
public enum Currency: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// US dollars: model prices, API key budgets and usage costs.
    case usd = "USD"
    /// The mesh's escrow credits (the double-entry ledger of `Specs/escrow.md`).
    case credits

    /// The stable code written in JSON and on the wire: `USD`, `credits`.
    public var code: String { rawValue }

    /// The currency with this code.
    /// - Throws: ``CoreError`` `currency_unknown`.
    public init(code: String) throws(CoreError) {
        guard let currency = Currency(rawValue: code) else {
            throw CoreError("currency_unknown", "\(code.prefix(40)) is not a known currency (USD, credits)")
        }
        self = currency
    }

    /// The ``code``.
    public var description: String { code }
}
