import Testing
@testable import FunctionSDK

/// The inline short copies (overlapping words up to 16 bytes) write exactly the source bytes and
/// nothing past them, at every length and alignment around their thresholds.
@Suite("ByteWriter")
struct ByteWriterTests {
    @Test("bytes(_:) copies every length from 1 to 40 at every offset 0...7, and stops at its end")
    func copiesEveryLength() {
        let source: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for offset in 0..<8 {
            for count in 1...40 {
                var out = [UInt8](repeating: 0xEE, count: 64)
                let written = out.withUnsafeMutableBufferPointer { o in
                    source.withUnsafeBufferPointer { s in
                        var w = ByteWriter(o.baseAddress! + offset)
                        w.bytes(UnsafeBufferPointer(rebasing: s[offset..<(offset + count)]))
                        return w.offset(from: o.baseAddress!)
                    }
                }
                #expect(written == offset + count)
                #expect(
                    Array(out[offset..<(offset + count)]) == Array(source[offset..<(offset + count)]),
                    "count \(count) offset \(offset)")
                #expect(
                    out[..<offset].allSatisfy { $0 == 0xEE } && out[(offset + count)...].allSatisfy { $0 == 0xEE },
                    "count \(count) offset \(offset) wrote outside its span")
            }
        }
    }

    @Test("an empty buffer writes nothing")
    func emptyCopy() {
        var out = [UInt8](repeating: 0xEE, count: 4)
        let written = out.withUnsafeMutableBufferPointer { o in
            var w = ByteWriter(o.baseAddress!)
            w.bytes(UnsafeBufferPointer(start: nil, count: 0))
            return w.offset(from: o.baseAddress!)
        }
        #expect(written == 0 && out == [0xEE, 0xEE, 0xEE, 0xEE])
    }
}
