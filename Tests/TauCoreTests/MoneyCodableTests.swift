import Foundation
import Testing

@testable import TauCore

struct MoneyCodableTests {
    /// A record with one amount alone (currency implied by the key) and one `Money` object.
    struct Priced: Codable, Equatable {
        var price: Money?
        var balance: Money?

        enum CodingKeys: String, CodingKey {
            case price = "price_usd"
            case balance
        }

        init(price: Money?, balance: Money?) {
            self.price = price
            self.balance = balance
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            price = try container.decodeAmountIfPresent(.usd, forKey: .price)
            balance = try container.decodeIfPresent(Money.self, forKey: .balance)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeAmount(price, forKey: .price)
            try container.encodeIfPresent(balance, forKey: .balance)
        }
    }

    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decoded(_ json: String) throws -> Priced {
        try JSONDecoder().decode(Priced.self, from: Data(json.utf8))
    }

    @Test func moneyIsAnObjectWithADecimalString() throws {
        let balance = Money(microunits: -1_234, currency: .credits)
        #expect(try Self.encoded(balance) == #"{"amount":"-0.001234","currency":"credits"}"#)
        #expect(try JSONDecoder().decode(Money.self, from: Data(try Self.encoded(balance).utf8)) == balance)
        let huge = Money(microunits: .max, currency: .usd)
        #expect(try JSONDecoder().decode(Money.self, from: Data(try Self.encoded(huge).utf8)) == huge)
    }

    @Test func moneyObjectsAcceptNumbers() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(Money.self, from: Data(#"{"amount":2.5,"currency":"USD"}"#.utf8)) == Money(microunits: 2_500_000, currency: .usd))
        #expect(try decoder.decode(Money.self, from: Data(#"{"amount":25,"currency":"USD"}"#.utf8)) == Money(microunits: 25_000_000, currency: .usd))
        #expect(throws: DecodingError.self) { try decoder.decode(Money.self, from: Data(#"{"amount":"1","currency":"EUR"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Money.self, from: Data(#"{"amount":"1"}"#.utf8)) }
    }

    @Test func amountsAloneAreNumbersWhenExact() throws {
        let priced = Priced(price: Money(microunits: 2_500_000, currency: .usd), balance: nil)
        #expect(try Self.encoded(priced) == #"{"price_usd":2.5}"#)
        #expect(try Self.encoded(Priced(price: Money(microunits: 1_234, currency: .usd), balance: nil)) == #"{"price_usd":0.001234}"#)
        #expect(try Self.encoded(Priced(price: nil, balance: nil)) == #"{"price_usd":null}"#)
        #expect(try Self.decoded(try Self.encoded(priced)) == priced)
    }

    @Test func amountsPastADoublesDigitsAreStrings() throws {
        let priced = Priced(price: Money(microunits: .max, currency: .usd), balance: nil)
        #expect(try Self.encoded(priced) == #"{"price_usd":"9223372036854.775807"}"#)
        #expect(try Self.decoded(try Self.encoded(priced)) == priced)
    }

    @Test(arguments: [
        (#"{"price_usd":"0.000001"}"#, 1), (#"{"price_usd":0.1}"#, 100_000), (#"{"price_usd":2}"#, 2_000_000),
        (#"{"price_usd":1e-5}"#, 10), (#"{"price_usd":"-1.5"}"#, -1_500_000), (#"{"price_usd":0.30}"#, 300_000),
    ] as [(String, Int64)])
    func amountsAloneDecodeFromStringsAndNumbers(json: String, microunits: Int64) throws {
        #expect(try Self.decoded(json).price == Money(microunits: microunits, currency: .usd))
    }

    @Test func absentAndNullAmountsAreNil() throws {
        #expect(try Self.decoded("{}").price == nil)
        #expect(try Self.decoded(#"{"price_usd":null}"#).price == nil)
    }

    @Test(arguments: [
        (#"{"price_usd":1e-7}"#, "money_too_precise"), (#"{"price_usd":"0.0000001"}"#, "money_too_precise"),
        (#"{"price_usd":1e30}"#, "money_overflow"), (#"{"price_usd":"abc"}"#, "money_invalid"),
        (#"{"price_usd":true}"#, nil),
    ] as [(String, String?)])
    func inexactAmountsAreRefused(json: String, code: String?) {
        do {
            _ = try Self.decoded(json)
            Issue.record("\(json) was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            if let code { #expect(context.debugDescription.hasPrefix(code + ":"), "\(context.debugDescription)") }
            #expect(context.codingPath.last?.stringValue == "price_usd")
        } catch {
            #expect(code == nil, "\(error)")
        }
    }

    @Test func jsonValueAmountsPrintTheExactDecimal() throws {
        for microunits: Int64 in [0, 1, 1_234, 500_000, 25_000_000, 123_456_789_012_345, -2_500_000, 999_999_999_999_999] {
            let money = Money(microunits: microunits, currency: .usd)
            #expect(JSONValue.amount(money).canonicalString() == money.decimalString)
            #expect(try Money(number: JSONValue.amount(money).doubleValue ?? .nan, currency: .usd) == money)
        }
        // Beyond 15 significant digits a JSON number is the nearest double.
        #expect(JSONValue.amount(Money(microunits: .max, currency: .usd)).canonicalString() == "9223372036854.775")
    }
}
