import TauCore
import Testing

@testable import TauMeshSimulation

@Suite struct EventQueueTests {
    @Test func eventsComeOutByTimeThenInTheOrderScheduled() {
        var queue = EventQueue<Int>()
        var generator = SplitMix64(seed: 3)
        var expected: [(Double, Int)] = []
        for label in 0..<500 {
            // Few distinct times, so that many events share one.
            let time = Double(Int.random(in: 0..<20, using: &generator)) / 4
            queue.schedule(label, at: time)
            expected.append((time, label))
        }
        expected.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var popped: [(Double, Int)] = []
        while let (time, label) = queue.pop() { popped.append((time, label)) }
        #expect(popped.map(\.1) == expected.map(\.1))
        #expect(queue.isEmpty)
    }

    @Test func theGeneratorRepeatsItsSequenceForASeed() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        var other = SplitMix64(seed: 43)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in second.next() })
        #expect(a != (0..<8).map { _ in other.next() })
    }
}
