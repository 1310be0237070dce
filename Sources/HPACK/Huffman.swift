/// RFC 7541 section 5.2 Huffman coding. Decoding walks a 4-bit-at-a-time state machine built once from
/// Appendix B (at most one symbol completes per nibble, since the shortest code has 5 bits).
public enum Huffman {
    private struct Transition {
        var next: UInt8 // internal node to continue from
        var symbol: UInt8 // valid when emits
        var emits: Bool
        var fails: Bool // EOS reached
    }

    private struct Machine {
        var transitions: [Transition] // node * 16 + nibble
        var accepting: [Bool] // node is on the all-ones path at depth <= 7

        init() {
            // Tree: children >= 0 are internal nodes, < 0 are leaves -(symbol + 1).
            var children: [[Int]] = [[0, 0]]
            for (symbol, entry) in HuffmanTable.codes.enumerated() {
                var node = 0
                for bitIndex in stride(from: Int(entry.length) - 1, through: 0, by: -1) {
                    let bit = Int((entry.code >> UInt32(bitIndex)) & 1)
                    if bitIndex == 0 {
                        children[node][bit] = -(symbol + 1)
                    } else {
                        if children[node][bit] == 0 {
                            children.append([0, 0])
                            children[node][bit] = children.count - 1
                        }
                        node = children[node][bit]
                    }
                }
            }
            precondition(children.count == 256, "the Huffman tree has 256 internal nodes")
            var accepting = [Bool](repeating: false, count: children.count)
            var onesNode = 0
            accepting[0] = true
            for _ in 0..<7 {
                onesNode = children[onesNode][1]
                accepting[onesNode] = true
            }
            var transitions: [Transition] = []
            transitions.reserveCapacity(children.count * 16)
            for node in 0..<children.count {
                for nibble in 0..<16 {
                    var current = node
                    var t = Transition(next: 0, symbol: 0, emits: false, fails: false)
                    for shift in stride(from: 3, through: 0, by: -1) {
                        let child = children[current][(nibble >> shift) & 1]
                        if child < 0 {
                            let symbol = -child - 1
                            if symbol == 256 { t.fails = true; break }
                            t.symbol = UInt8(symbol)
                            t.emits = true
                            current = 0
                        } else {
                            current = child
                        }
                    }
                    t.next = UInt8(current)
                    transitions.append(t)
                }
            }
            self.transitions = transitions
            self.accepting = accepting
        }
    }

    private static let machine = Machine()

    /// Decodes `input`, appending to `output`. Fails on EOS or on padding that is not 0-7 one-bits.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        let m = machine
        var state = 0
        try m.transitions.withUnsafeBufferPointer { (table) throws in
            for byte in input {
                let high = table[state &* 16 &+ Int(byte >> 4)]
                if high.fails { throw HPACKError.huffmanEOS }
                if high.emits { output.append(high.symbol) }
                let low = table[Int(high.next) &* 16 &+ Int(byte & 0x0f)]
                if low.fails { throw HPACKError.huffmanEOS }
                if low.emits { output.append(low.symbol) }
                state = Int(low.next)
            }
        }
        if !m.accepting[state] { throw HPACKError.invalidHuffmanPadding }
    }

    public static func encodedLength<S: Sequence>(_ bytes: S) -> Int where S.Element == UInt8 {
        var bits = 0
        for b in bytes { bits += Int(HuffmanTable.codes[Int(b)].length) }
        return (bits + 7) / 8
    }

    public static func encode<S: Sequence>(_ bytes: S, into output: inout [UInt8]) where S.Element == UInt8 {
        var acc: UInt64 = 0
        var count = 0
        for b in bytes {
            let e = HuffmanTable.codes[Int(b)]
            acc = (acc << UInt64(e.length)) | UInt64(e.code)
            count += Int(e.length)
            while count >= 8 {
                count -= 8
                output.append(UInt8(truncatingIfNeeded: acc >> UInt64(count)))
            }
        }
        if count > 0 {
            // Pad with the most significant bits of EOS (all ones).
            let pad = 8 - count
            output.append(UInt8(truncatingIfNeeded: (acc << UInt64(pad)) | ((1 << UInt64(pad)) - 1)))
        }
    }
}
