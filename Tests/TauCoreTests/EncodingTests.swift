import Foundation
import Testing

@testable import TauCore

struct EncodingTests {
    @Test func base58KnownValues() throws {
        #expect(Base58.encode(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(Base58.encode([]) == "")
        #expect(try Base58.decode("2NEpo7TZRRrLZSi2U") == Array("Hello World!".utf8))
        #expect(try Base58.decode("112") == [0, 0, 1])
        #expect(throws: CoreError.self) { try Base58.decode("0OIl") }
        // Quadratic decoding is bounded: a hostile megabyte of '2's is refused at once.
        #expect(throws: CoreError.self) { try Base58.decode(String(repeating: "2", count: 1 << 20)) }
    }

    @Test func base58RoundTripsRandomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func varints() throws {
        #expect(Varint.encode(0xed) == [0xed, 0x01])
        #expect(Varint.encode(0x1300) == [0x80, 0x26])
        #expect(Varint.encode(0) == [0])
        #expect(try Varint.decode([0x80, 0x26, 0xff]) == (0x1300, 2))
        #expect(throws: CoreError.self) { try Varint.decode([0x80]) }
        #expect(throws: CoreError.self) { try Varint.decode([0x80, 0x00]) }
    }

    @Test func multibaseAndMulticodec() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let encoded = Multibase.base58btc(Multicodec.ed25519Public.prefixing(key))
        #expect(encoded.hasPrefix("z6Mk"))
        #expect(try Multicodec.ed25519Public.strip(try Multibase.decode(encoded), expectedLength: 32) == key)
        #expect(throws: CoreError.self) { try Multicodec.x25519Public.strip(try Multibase.decode(encoded), expectedLength: 32) }
        #expect(try Multibase.decode("f00ff") == [0x00, 0xff])
        #expect(try Multibase.decode("uAP8") == [0x00, 0xff])
        #expect(throws: CoreError.self) { try Multibase.decode("m0000") }
        #expect(throws: CoreError.self) { try Multibase.decode("") }
    }

    @Test func base64URL() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("a+b") == nil)
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("-_8=") == [0xfb, 0xff])
        #expect(Base64URL.decode("AAA=") == [0, 0])
        #expect(Base64URL.decode("AA==") == [0])
        // Padding only at the end, and only to a multiple of four.
        #expect(Base64URL.decode("AA=") == nil)
        #expect(Base64URL.decode("AB=A") == nil)
        #expect(Base64URL.decode("A===") == nil)
        #expect(Base64URL.decode("AAAA\n") == nil)
        #expect(Base64URL.decode("AA\u{e9}A") == nil)
    }

    /// The table-driven encoder agrees with Foundation's base64 (alphabet swapped, padding
    /// dropped) for every length and tail, and decoding gives the bytes back.
    @Test func base64URLMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let reference = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == reference, "length \(length)")
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes, "length \(length)")
            let padded = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64URL.decode(padded) == bytes, "padded, length \(length)")
        }
    }

    @Test func timestamps() throws {
        let date = try Timestamp.parse("2026-11-23T15:49:35Z")
        #expect(Timestamp.format(date) == "2026-11-23T15:49:35Z")
        #expect(try Timestamp.parse("2026-11-23T16:49:35+01:00") == date)
        #expect(try Timestamp.parse("2026-11-23T15:49:35.250Z").timeIntervalSince(date) == 0.25)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(try Timestamp.parse("2024-02-29T23:59:59Z")) == "2024-02-29T23:59:59Z")
        for bad in ["2026-02-30T00:00:00Z", "2026-11-23 15:49:35", "2026-11-23T15:49:35", "2026-13-01T00:00:00Z", "x", "2026-11-23T15:49:35Zjunk"] {
            #expect(throws: CoreError.self, "\(bad)") { try Timestamp.parse(bad) }
        }
    }

    @Test func atomicWriteReplacesFileWithMode() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tau-atomic-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/file"
        try AtomicFile.write("one", to: path, mode: 0o600)
        try AtomicFile.write("two", to: path, mode: 0o600)
        #expect(String(data: FileManager.default.contents(atPath: path) ?? Data(), encoding: .utf8) == "two")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["file"])
        #expect(throws: CoreError.self) { try AtomicFile.write("x", to: directory + "/missing/file") }
    }
}
