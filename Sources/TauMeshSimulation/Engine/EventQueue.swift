/// The pending events of a discrete-event simulation, earliest first: a binary min-heap on
/// (time, order of scheduling). Events scheduled for the same time come out in the order they
/// were scheduled, so a run depends on nothing but its inputs and its seed.
struct EventQueue<Event> {
    private struct Entry {
        var time: Double
        var sequence: UInt64
        var event: Event

        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var scheduled: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// The time of the earliest event, if any.
    var nextTime: Double? { heap.first?.time }

    /// Adds `event` to happen at `time` (simulated seconds).
    mutating func schedule(_ event: Event, at time: Double) {
        heap.append(Entry(time: time, sequence: scheduled, event: event))
        scheduled += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> (time: Double, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
            guard heap[smallest].precedes(heap[parent]) else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.time, first.event)
    }
}
