extension JSONValue {
    /// The amount of `money` alone, as a JSON number, for a member whose name says the
    /// currency (`"cost_usd": 0.001234`).
    ///
    /// ``JSONValue`` numbers are doubles (I-JSON), so this is the double nearest to the
    /// amount; its text (``canonicalString()``) is exactly the amount's ``Money/decimalString``
    /// for every amount with up to 15 significant digits, which covers anything under a
    /// billion units to the micro-unit. Read it back with ``Money/init(number:currency:)``.
    public static func amount(_ money: Money) -> JSONValue {
        .number(Double(money.decimalString) ?? 0)  // decimal text always parses
    }
}
