/// The active streams of one connection, by id: open addressing on the id itself. Client stream ids
/// are odd and rise, so slot `(id >> 1) & mask` is almost always the stream's own; a call looks its
/// stream up about ten times, and a Dictionary ran SipHash over the id for each of them.
///
/// Ids sit in their own array (0 marks a free slot: stream 0 is never a request), so probing never
/// copies a state. The table doubles once it would be more than half full, so probes stay short
/// and always end; it starts at 16 slots, so an idle connection holds little.
struct StreamTable {
    private var ids: [UInt32]
    private var states: [StreamState?]
    private var mask: Int
    private(set) var count = 0

    init() {
        ids = Array(repeating: 0, count: 16)
        states = Array(repeating: nil, count: 16)
        mask = 15
    }

    var isEmpty: Bool { count == 0 }

    /// The ids of the active streams, in no particular order.
    var keys: [UInt32] { ids.filter { $0 != 0 } }

    @inline(__always)
    private func home(_ id: UInt32) -> Int { Int(id >> 1) & mask }

    /// The slot holding `id`. Bounded: at most half the slots are taken, so a free one ends the probe.
    private func slot(of id: UInt32) -> Int? {
        var i = home(id)
        while true {
            let found = ids[i]
            if found == id { return i }
            if found == 0 { return nil }
            i = (i &+ 1) & mask
        }
    }

    subscript(id: UInt32) -> StreamState? {
        get { slot(of: id).flatMap { states[$0] } }
        set {
            if let state = newValue {
                insert(id, state)
            } else {
                _ = removeValue(forKey: id)
            }
        }
    }

    private mutating func insert(_ id: UInt32, _ state: StreamState) {
        precondition(id != 0, "stream 0 in the stream table")
        if let i = slot(of: id) {
            states[i] = state
            return
        }
        if (count + 1) * 2 > ids.count { grow() }
        var i = home(id)
        while ids[i] != 0 { i = (i &+ 1) & mask }
        ids[i] = id
        states[i] = state
        count += 1
    }

    private mutating func grow() {
        let oldIDs = ids, oldStates = states
        let size = ids.count * 2
        ids = Array(repeating: 0, count: size)
        states = Array(repeating: nil, count: size)
        mask = size - 1
        for (i, id) in oldIDs.enumerated() where id != 0 {
            var j = home(id)
            while ids[j] != 0 { j = (j &+ 1) & mask }
            ids[j] = id
            states[j] = oldStates[i]
        }
    }

    @discardableResult
    mutating func removeValue(forKey id: UInt32) -> StreamState? {
        guard var hole = slot(of: id) else { return nil }
        let removed = states[hole]
        ids[hole] = 0
        states[hole] = nil
        count -= 1
        // Backward-shift deletion: pull later entries of the run into the hole when their home slot
        // does not lie cyclically after it, so lookups never need tombstones.
        var j = hole
        while true {
            j = (j &+ 1) & mask
            let next = ids[j]
            if next == 0 { break }
            let h = home(next)
            let stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
            if stays { continue }
            ids[hole] = next
            states[hole] = states[j]
            ids[j] = 0
            states[j] = nil
            hole = j
        }
        return removed
    }

    mutating func removeAll() {
        for i in ids.indices where ids[i] != 0 {
            ids[i] = 0
            states[i] = nil
        }
        count = 0
    }
}
