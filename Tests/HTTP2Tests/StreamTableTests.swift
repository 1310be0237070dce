import Testing
@testable import HTTP2

/// The stream table against a Dictionary doing the same thing: rising odd ids as clients send them,
/// streams ending out of order, ids that collide in the table, growth, and emptying it.
@Suite("stream table")
struct StreamTableTests {
    static func state(_ id: UInt32, _ window: Int) -> StreamState {
        StreamState(id: id, sendWindow: window, recvWindow: window)
    }

    @Test("20,000 random operations give the same streams, windows and count as a Dictionary")
    func sameAsDictionary() {
        var table = StreamTable()
        var reference: [UInt32: StreamState] = [:]
        var rng = UInt64(0x5eed_5eed)
        func next(_ n: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33) % n
        }
        var nextID: UInt32 = 1
        var live: [UInt32] = []
        for step in 0..<20_000 {
            switch next(10) {
            case 0...3 where reference.count < 256:
                // A new stream; sometimes far ahead, or on an id that lands in an occupied slot.
                let id = next(20) == 0 ? nextID + 2 * UInt32(next(300)) + 64 : nextID
                nextID = max(nextID, id) + 2
                table[id] = Self.state(id, step)
                reference[id] = Self.state(id, step)
                live.append(id)
            case 4...5:
                if !live.isEmpty {
                    let id = live[next(live.count)]
                    table[id]!.sendWindow += 7
                    reference[id]!.sendWindow += 7
                }
            case 6...8:
                if !live.isEmpty {
                    let id = live.remove(at: next(live.count))
                    #expect(table.removeValue(forKey: id)?.id == id)
                    reference[id] = nil
                } else {
                    #expect(table.removeValue(forKey: nextID) == nil)
                }
            default:
                if next(500) == 0 {
                    table.removeAll()
                    reference.removeAll()
                    live.removeAll()
                }
            }
            #expect(table.count == reference.count)
            if step % 97 == 0 {
                #expect(Set(table.keys) == Set(reference.keys))
                for (id, s) in reference { #expect(table[id]?.sendWindow == s.sendWindow) }
                #expect(table[nextID] == nil && table[nextID + 1] == nil)
            }
        }
    }
}
