import Testing
@testable import HPACK

@Suite("HPACK edge cases and limits")
struct HPACKEdgeCaseTests {
    // A block beginning with a valid request, as h2spec's hpack cases do.
    let prefix: [UInt8] = [0x82, 0x86, 0x84]

    @Test("hpack/6.1/1 index 0") func indexZero() {
        var d = Decoder()
        #expect(throws: HPACKError.indexZero) { try d.decode(prefix + [0x80]) }
    }

    @Test("hpack/2.3.3/1 index past the end") func indexedPastEnd() {
        var d = Decoder()
        #expect(throws: HPACKError.indexOutOfRange(70)) { try d.decode(prefix + [0x80 | 70]) }
    }

    @Test("hpack/2.3.3/2 name index past the end") func nameIndexPastEnd() {
        var d = Decoder()
        // 01 + 6-bit prefix 63, then 70 - 63 = 7.
        #expect(throws: HPACKError.indexOutOfRange(70)) { try d.decode(prefix + [0x7f, 0x07, 0x01, 0x61]) }
    }

    @Test("hpack/4.2/1 size update after a field") func sizeUpdateAtEnd() {
        var d = Decoder()
        #expect(throws: HPACKError.sizeUpdateNotAtStart) { try d.decode(prefix + [0x3f, 0xe1, 0x1f]) }
    }

    @Test("hpack/6.3/1 size update above our SETTINGS value") func sizeUpdateTooLarge() {
        var d = Decoder()
        var block: [UInt8] = []
        IntegerCoding.encode(4097, prefixBits: 5, flags: 0x20, into: &block)
        #expect(throws: HPACKError.sizeUpdateTooLarge(4097)) { try d.decode(block + prefix) }
    }

    @Test("generic/5/15 two size updates at the start") func twoSizeUpdates() throws {
        var d = Decoder()
        var block: [UInt8] = []
        IntegerCoding.encode(128, prefixBits: 5, flags: 0x20, into: &block)
        IntegerCoding.encode(4096, prefixBits: 5, flags: 0x20, into: &block)
        #expect(try d.decode(block + prefix).fields.count == 3)
    }

    @Test("hpack/5.2/1 Huffman padding longer than 7 bits") func longPadding() {
        var d = Decoder()
        // Literal without indexing, name :path (4), Huffman value: 'a' (00011, 5 bits) + 11 one-bits.
        #expect(throws: HPACKError.invalidHuffmanPadding) { try d.decode([0x04, 0x82, 0x1f, 0xff]) }
    }

    @Test("hpack/5.2/2 Huffman padding with zeros") func zeroPadding() {
        var d = Decoder()
        #expect(throws: HPACKError.invalidHuffmanPadding) { try d.decode([0x04, 0x81, 0x18]) }
    }

    @Test("hpack/5.2/3 EOS inside a Huffman string") func eos() {
        var d = Decoder()
        #expect(throws: HPACKError.huffmanEOS) { try d.decode([0x04, 0x84, 0xff, 0xff, 0xff, 0xff]) }
    }

    @Test("truncated literal (http2/4.3/1)") func truncated() {
        var d = Decoder()
        #expect(throws: HPACKError.truncated) { try d.decode([0x40]) }
        var d2 = Decoder()
        #expect(throws: HPACKError.truncated) { try d2.decode([0x04, 0x05, 0x61]) }
    }

    @Test("integer overflow") func overflow() {
        var d = Decoder()
        #expect(throws: HPACKError.integerOverflow) { try d.decode([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]) }
    }

    @Test("empty name and value decode") func emptyStrings() throws {
        var d = Decoder()
        #expect(try d.decode([0x00, 0x00, 0x00]).fields == [HeaderField("", "")])
    }

    @Test("HPACK bomb: decoded size is bounded while the table stays in sync")
    func bomb() throws {
        var d = Decoder(maxHeaderListSize: 16384)
        // Insert one ~4 KiB entry, then reference it 4,000 times (62 = newest dynamic entry).
        var block: [UInt8] = [0x40]
        Encoder.encodeString("x-big", into: &block)
        var raw: [UInt8] = []
        IntegerCoding.encode(4000, prefixBits: 7, flags: 0, into: &raw)
        block += raw + [UInt8](repeating: 0x61, count: 4000)
        block += [UInt8](repeating: 0x80 | 62, count: 4000)
        let r = try d.decode(block)
        #expect(r.exceededLimits)
        #expect(r.fields.isEmpty)
        #expect(r.listSize > 16_000_000)
        // The table still holds the entry, so the next block decodes correctly.
        #expect(try d.decode([0x80 | 62]).fields == [HeaderField("x-big", String(repeating: "a", count: 4000))])
    }

    @Test("field count limit") func fieldCount() throws {
        var d = Decoder(maxFieldCount: 100)
        let r = try d.decode([UInt8](repeating: 0x82, count: 101))
        #expect(r.exceededLimits)
    }

    @Test("Huffman round trip over every octet")
    func huffmanRoundTrip() throws {
        let all = [UInt8](0...255) + Array("application/grpc".utf8)
        var encoded: [UInt8] = []
        Huffman.encode(all, into: &encoded)
        #expect(encoded.count == Huffman.encodedLength(all))
        var decoded: [UInt8] = []
        try encoded.withUnsafeBufferPointer { try Huffman.decode($0, into: &decoded) }
        #expect(decoded == all)
    }

    @Test("encoder output decodes to the same fields, and repeats shrink")
    func encoderRoundTrip() throws {
        var e = Encoder()
        var d = Decoder()
        let response = [
            HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
            HeaderField("grpc-message", "100% ünïcode"), HeaderField("secret", "x", neverIndexed: true),
        ]
        var first: [UInt8] = []
        e.encode(response, into: &first)
        #expect(try d.decode(first).fields == response)
        var second: [UInt8] = []
        e.encode(response, into: &second)
        #expect(try d.decode(second).fields == response)
        #expect(second.count < first.count)
    }

    @Test("encoder signals a lowered table size at the start of the next block")
    func encoderSizeUpdate() throws {
        var e = Encoder()
        var d = Decoder()
        var block: [UInt8] = []
        e.encode([HeaderField("content-type", "application/grpc")], into: &block)
        _ = try d.decode(block)
        e.setPeerMaxTableSize(0)
        block = []
        e.encode([HeaderField("content-type", "application/grpc")], into: &block)
        #expect(block.first == 0x20)
        #expect(try d.decode(block).fields == [HeaderField("content-type", "application/grpc")])
        #expect(d.dynamicTableSize == 0)
    }
}
