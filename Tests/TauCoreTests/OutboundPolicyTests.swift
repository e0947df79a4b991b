import TauCore
import Testing

struct OutboundPolicyTests {
    @Test func addressesAndBlocksParse() throws {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("[::1]")?.bytes == Array(repeating: 0, count: 15) + [1])
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("256.1.1.1") == nil)
        let block = try #require(IPNetwork("10.0.0.0/8"))
        #expect(block.contains(try #require(IPAddress("10.255.1.2"))))
        #expect(!block.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!block.contains(try #require(IPAddress("::ffff:10.0.0.1"))), "families never mix")
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("fc00::/7")?.contains(try #require(IPAddress("fd12:3456::1"))) == true)
        #expect(IPNetwork("100.64.0.0/10")?.contains(try #require(IPAddress("100.127.255.255"))) == true)
        #expect(IPNetwork("100.64.0.0/10")?.contains(try #require(IPAddress("100.128.0.0"))) == false)
    }

    @Test(arguments: [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.100.100.200",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "::1", "fd00:ec2::254", "fe80::1", "ff02::1",
        // IPv4 hidden in IPv6: mapped, compatible, NAT64, 6to4.
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:0a00:0001::1",
    ])
    func specialAddressesAreRefusedByDefault(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundPolicy.publicOnly.refusal(for: address) != nil, "\(text) must be refused")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001::200e", "172.32.0.1", "100.128.0.1"])
    func publicAddressesAreAllowed(_ text: String) throws {
        #expect(OutboundPolicy.publicOnly.refusal(for: try #require(IPAddress(text))) == nil)
    }

    @Test func theOperatorAllowsBlocks() throws {
        let policy = OutboundPolicy(allowed: try OutboundPolicy.parseAllowed(["127.0.0.0/8", " 10.1.0.0/16 ", "fd00::1"]))
        #expect(policy.refusal(for: try #require(IPAddress("127.0.0.2"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("10.1.200.3"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("10.2.0.1"))) == "private")
        #expect(policy.refusal(for: try #require(IPAddress("fd00::1"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("fd00::2"))) == "unique-local")
        #expect(policy.refusal(for: try #require(IPAddress("169.254.169.254")))?.contains("metadata") == true)
        #expect(throws: CoreError.self) { try OutboundPolicy.parseAllowed(["localhost"]) }
        #expect(throws: CoreError.self) { try OutboundPolicy.parseAllowed(["10.0.0.0/40"]) }
    }
}
