import Testing

@testable import TauCore

struct MoneyTests {
    static func usd(_ microunits: Int64) -> Money { Money(microunits: microunits, currency: .usd) }

    static func code(_ body: () throws -> Money) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as CoreError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    // MARK: Parsing

    @Test(arguments: [
        ("25", 25_000_000), ("0.5", 500_000), (".5", 500_000), ("5.", 5_000_000), ("0.000001", 1), ("$0.50", 500_000),
        ("+1", 1_000_000), ("007", 7_000_000), ("0.5000000000", 500_000), ("0", 0), ("-0", 0), ("$0", 0),
        ("1234567.891011", 1_234_567_891_011), ("9223372036854.775807", Int64.max),
    ] as [(String, Int64)])
    func parsesDecimalText(text: String, microunits: Int64) throws {
        #expect(try Money(parsing: text) == Self.usd(microunits))
    }

    @Test func parsesNegativesWhenAllowed() throws {
        #expect(try Money(parsing: "-2.5", allowingNegative: true) == Self.usd(-2_500_000))
        #expect(try Money(parsing: "-$0.50", allowingNegative: true) == Self.usd(-500_000))
        #expect(try Money(parsing: "-9223372036854.775808", allowingNegative: true) == Self.usd(.min))
        #expect(Self.code { try Money(parsing: "-1") } == "money_negative")
        #expect(Self.code { try Money(parsing: "-0.000001") } == "money_negative")
    }

    @Test(arguments: [
        ("", "money_invalid"), ("abc", "money_invalid"), (" 1", "money_invalid"), ("1 ", "money_invalid"),
        ("1e3", "money_invalid"), ("1E-3", "money_invalid"), ("1,000", "money_invalid"), ("1_000", "money_invalid"),
        ("inf", "money_invalid"), ("nan", "money_invalid"), ("0x10", "money_invalid"), ("--1", "money_invalid"),
        ("$", "money_invalid"), (".", "money_invalid"), ("1.2.3", "money_invalid"), ("$-1", "money_invalid"),
        ("$$1", "money_invalid"), ("1$", "money_invalid"), ("٣", "money_invalid"), ("0.0000001", "money_too_precise"),
        ("0.1234567", "money_too_precise"), ("9223372036854.775808", "money_overflow"),
        ("99999999999999999999999", "money_overflow"), ("10000000000000", "money_overflow"),
    ] as [(String, String)])
    func refusesWithACode(text: String, code: String) {
        #expect(Self.code { try Money(parsing: text, allowingNegative: true) } == code, "\(text)")
    }

    @Test func refusesBelowTheSmallestAmount() {
        #expect(Self.code { try Money(parsing: "-9223372036854.775809", allowingNegative: true) } == "money_overflow")
    }

    @Test func dollarSignIsForUSDOnly() throws {
        #expect(try Money(parsing: "1.5", currency: .credits) == Money(microunits: 1_500_000, currency: .credits))
        #expect(Self.code { try Money(parsing: "$1", currency: .credits) } == "money_invalid")
    }

    @Test func machineDecimalsTakeExponentsAndShifts() throws {
        #expect(try Money(decimal: "1e-05", currency: .usd) == Self.usd(10))
        #expect(try Money(decimal: "2.5E+3", currency: .usd) == Self.usd(2_500_000_000))
        #expect(try Money(decimal: "-1.5", currency: .usd) == Self.usd(-1_500_000))
        // OpenRouter's per-token prices, read as prices per million tokens.
        #expect(try Money(decimal: "0.0000003", currency: .usd, shiftingDecimalPointBy: 6) == Self.usd(300_000))
        #expect(try Money(decimal: "0.00000175", currency: .usd, shiftingDecimalPointBy: 6) == Self.usd(1_750_000))
        #expect(try Money(decimal: "0.000000000001", currency: .usd, shiftingDecimalPointBy: 6) == Self.usd(1))
        #expect(try Money(decimal: "0", currency: .usd, shiftingDecimalPointBy: 6) == Self.usd(0))
        #expect(try Money(decimal: "0e1000000000", currency: .usd) == Self.usd(0))
        #expect(Self.code { try Money(decimal: "$1", currency: .usd) } == "money_invalid")
        #expect(Self.code { try Money(decimal: "1e", currency: .usd) } == "money_invalid")
        #expect(Self.code { try Money(decimal: "1e1000000000", currency: .usd) } == "money_overflow")
    }

    @Test func roundingUpIsTowardPositiveInfinity() throws {
        let tiny = "0.0000000000001"
        #expect(Self.code { try Money(decimal: tiny, currency: .usd, shiftingDecimalPointBy: 6) } == "money_too_precise")
        #expect(try Money(decimal: tiny, currency: .usd, shiftingDecimalPointBy: 6, rounding: .up) == Self.usd(1))
        #expect(try Money(decimal: "0.0000015", currency: .usd, rounding: .up) == Self.usd(2))
        #expect(try Money(decimal: "-0.0000015", currency: .usd, rounding: .up) == Self.usd(-1))
        #expect(try Money(decimal: "1e-1000000000", currency: .usd, rounding: .up) == Self.usd(1))
        #expect(try Money(decimal: "0.0000010000", currency: .usd, rounding: .up) == Self.usd(1))
        #expect(Self.code { try Money(decimal: "9223372036854.7758071", currency: .usd, rounding: .up) } == "money_overflow")
    }

    @Test func numbersAreReadFromTheirShortestText() throws {
        #expect(try Money(number: 0.1, currency: .usd) == Self.usd(100_000))
        #expect(try Money(number: 25, currency: .usd) == Self.usd(25_000_000))
        #expect(try Money(number: 0.00001, currency: .usd) == Self.usd(10))
        #expect(try Money(number: 2.675, currency: .usd) == Self.usd(2_675_000))
        #expect(try Money(number: -0.0, currency: .usd) == Self.usd(0))
        #expect(Self.code { try Money(number: 1e-7, currency: .usd) } == "money_too_precise")
        #expect(Self.code { try Money(number: 0.1 + 0.2, currency: .usd) } == "money_too_precise")
        #expect(Self.code { try Money(number: 1e20, currency: .usd) } == "money_overflow")
        #expect(Self.code { try Money(number: .infinity, currency: .usd) } == "money_invalid")
        #expect(Self.code { try Money(number: .nan, currency: .usd) } == "money_invalid")
    }

    // MARK: Formatting

    @Test(arguments: [
        (0, "0"), (1, "0.000001"), (1_234, "0.001234"), (500_000, "0.5"), (25_000_000, "25"), (-2_500_000, "-2.5"),
        (Int64.max, "9223372036854.775807"), (Int64.min, "-9223372036854.775808"),
    ] as [(Int64, String)])
    func decimalStringIsExactAndTrimmed(microunits: Int64, text: String) throws {
        #expect(Self.usd(microunits).decimalString == text)
        #expect(try Money(parsing: text, allowingNegative: true) == Self.usd(microunits))
    }

    @Test func roundTripsThroughDecimalText() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let money = Self.usd(Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...63, using: &generator))
            #expect(try Money(parsing: money.decimalString, allowingNegative: true) == money)
            #expect(try Money(decimal: money.decimalString, currency: .usd) == money)
        }
    }

    @Test func fixedPlacesRoundHalfAwayFromZero() {
        #expect(Self.usd(1_250).decimalString(places: 4) == "0.0013")
        #expect(Self.usd(1_249).decimalString(places: 4) == "0.0012")
        #expect(Self.usd(-1_250).decimalString(places: 4) == "-0.0013")
        #expect(Self.usd(-10).decimalString(places: 4) == "0.0000")
        #expect(Self.usd(25_000_000).decimalString(places: 4) == "25.0000")
        #expect(Self.usd(500_000).decimalString(places: 0) == "1")
        #expect(Self.usd(999_999_500).decimalString(places: 3) == "1000.000")
        #expect(Self.usd(1_234).decimalString(places: 6) == "0.001234")
        #expect(Self.usd(1_234).decimalString(places: 9) == "0.001234")
        #expect(Self.usd(.max).decimalString(places: 2) == "9223372036854.78")
        #expect(Self.usd(.min).decimalString(places: 0) == "-9223372036855")
    }

    @Test func displayFormShowsTheCurrency() {
        #expect(Self.usd(25_000_000).formatted(places: 4) == "$25.0000")
        #expect(Self.usd(-500_000).formatted(places: 2) == "-$0.50")
        #expect(Self.usd(1_234).description == "$0.001234")
        #expect(Money(microunits: 1_500_000, currency: .credits).description == "1.5 credits")
    }

    // MARK: Arithmetic

    @Test func checkedArithmetic() throws {
        #expect(try Self.usd(1).adding(Self.usd(2)) == Self.usd(3))
        #expect(try Self.usd(1).subtracting(Self.usd(2)) == Self.usd(-1))
        #expect(try Self.usd(-3).multiplied(by: 4) == Self.usd(-12))
        #expect(try Self.usd(.max).subtracting(Self.usd(.max)) == Self.usd(0))
        #expect(try Self.usd(.min).adding(Self.usd(.max)) == Self.usd(-1))
        #expect(try Self.usd(5).negated() == Self.usd(-5))
        #expect(try Money(units: 25, currency: .usd) == Self.usd(25_000_000))
        #expect(try Money.sum([Self.usd(1), Self.usd(2), Self.usd(3)], currency: .usd) == Self.usd(6))
        #expect(try Money.sum([], currency: .credits) == Money.zero(.credits))
    }

    @Test func overflowThrowsInsteadOfTrapping() {
        #expect(Self.code { try Self.usd(.max).adding(Self.usd(1)) } == "money_overflow")
        #expect(Self.code { try Self.usd(.min).subtracting(Self.usd(1)) } == "money_overflow")
        #expect(Self.code { try Self.usd(.min).negated() } == "money_overflow")
        #expect(Self.code { try Self.usd(.max / 2 + 1).multiplied(by: 2) } == "money_overflow")
        #expect(Self.code { try Self.usd(.min).multiplied(by: -1) } == "money_overflow")
        #expect(Self.code { try Money(units: 9_223_372_036_855, currency: .usd) } == "money_overflow")
        #expect(Self.code { try Money.sum([Self.usd(.max), Self.usd(1)], currency: .usd) } == "money_overflow")
    }

    @Test func currenciesDoNotMix() {
        let credit = Money(microunits: 1, currency: .credits)
        #expect(Self.code { try Self.usd(1).adding(credit) } == "currency_mismatch")
        #expect(Self.code { try Self.usd(1).subtracting(credit) } == "currency_mismatch")
        #expect(Self.code { try Money.sum([credit], currency: .usd) } == "currency_mismatch")
        #expect(Self.usd(1) != credit)
    }

    @Test func ordering() {
        #expect(Self.usd(-1) < Self.usd(0) && Self.usd(0) < Self.usd(1) && Self.usd(.min) < Self.usd(.max))
        #expect([Self.usd(3), Self.usd(1), Self.usd(2)].max() == Self.usd(3))
        #expect(Self.usd(1).isPositive && Self.usd(-1).isNegative && Self.usd(0).isZero)
        // Different currencies have a stable order (by code) so that sorting never traps.
        let credit = Money(microunits: 0, currency: .credits)
        #expect(Self.usd(5) < credit && !(credit < Self.usd(5)))
    }

    // MARK: Cost per million

    @Test func costRoundsUpOncePerCall() throws {
        let price = Self.usd(2_500_000)  // $2.50 per million tokens
        #expect(try Money.cost(of: [(1_000_000, price)], currency: .usd) == price)
        #expect(try Money.cost(of: [(1_000, price)], currency: .usd) == Self.usd(2_500))
        // One token: 2.5 micro-USD, charged 3.
        #expect(try Money.cost(of: [(1, price)], currency: .usd) == Self.usd(3))
        // Two lines of half a micro-USD each: one rounding of the sum, not two.
        let half = Self.usd(500_000)
        #expect(try Money.cost(of: [(1, half), (1, half)], currency: .usd) == Self.usd(1))
        #expect(try Money.cost(of: [(0, price)], currency: .usd) == Self.usd(0))
        #expect(try Money.cost(of: [], currency: .usd) == Self.usd(0))
        #expect(try Money.cost(of: [(1, Self.usd(1))], currency: .usd) == Self.usd(1))
    }

    @Test func costIsExactPastSixtyFourBits() throws {
        // 10^12 tokens × 10^12 micro-USD per million: 10^24 before the division, 10^18 after.
        let price = Self.usd(1_000_000_000_000)
        #expect(try Money.cost(of: [(1_000_000_000_000, price)], currency: .usd) == Self.usd(1_000_000_000_000_000_000))
        #expect(Self.code { try Money.cost(of: [(Int.max, Self.usd(.max))], currency: .usd) } == "money_overflow")
        #expect(Self.code { try Money.cost(of: [(1, Money(microunits: 1, currency: .credits))], currency: .usd) } == "currency_mismatch")
    }

    @Test func costOfNegativeQuantitiesRoundsTowardPositiveInfinity() throws {
        #expect(try Money.cost(of: [(-1, Self.usd(2_500_000))], currency: .usd) == Self.usd(-2))
    }
}
