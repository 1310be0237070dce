import Testing
@testable import HPACK

/// A memoized encoding is replayed only while it is exactly what a full encoding would write: the
/// same sequence of blocks through an encoder with memo slots and one without gives the same bytes,
/// through table insertions, evictions and size updates, and a decoder reads the same fields.
@Suite("HPACK encoder memo")
struct EncoderMemoTests {
    static let headers = [
        HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
        HeaderField("grpc-accept-encoding", "gzip,identity"),
    ]
    static let trailers = [HeaderField("grpc-status", "0")]
    static let gzipHeaders = headers + [HeaderField("grpc-encoding", "gzip")]

    enum Step { case block([HeaderField], slot: Int?), peerTableSize(Int) }

    static let steps: [Step] = [
        .block(headers, slot: 0), .block(trailers, slot: 2), .block(headers, slot: 0), .block(trailers, slot: 2),
        .block(headers, slot: 0),
        // An error answer with an unindexed message, then a block that inserts (grpc-encoding).
        .block(headers + [HeaderField("grpc-status", "13"), HeaderField("grpc-message", "boom")], slot: nil),
        .block(headers, slot: 0), .block(gzipHeaders, slot: 1), .block(headers, slot: 0), .block(gzipHeaders, slot: 1),
        // The peer shrinks the table: the next block starts with size updates, entries are evicted.
        .peerTableSize(64), .block(headers, slot: 0), .block(headers, slot: 0), .block(trailers, slot: 2),
        .peerTableSize(0), .block(headers, slot: 0), .block(headers, slot: 0),
        .peerTableSize(4096), .block(headers, slot: 0), .block(gzipHeaders, slot: 1), .block(headers, slot: 0),
        .block(headers, slot: 0), .block(trailers, slot: 2),
    ]

    @Test("memoized blocks are byte for byte the full encoding, and decode to the same fields")
    func sameBytes() throws {
        var memoized = Encoder(), plain = Encoder()
        var decoder = Decoder()
        for (n, step) in Self.steps.enumerated() {
            switch step {
            case .peerTableSize(let size):
                memoized.setPeerMaxTableSize(size)
                plain.setPeerMaxTableSize(size)
            case .block(let fields, let slot):
                var a: [UInt8] = [], b: [UInt8] = []
                if let slot { memoized.encode(fields, into: &a, memo: slot) } else { memoized.encode(fields, into: &a) }
                plain.encode(fields, into: &b)
                #expect(a == b, "block \(n)")
                #expect(try decoder.decode(a).fields == fields, "block \(n)")
            }
        }
        // Served from the memo: a repeat with the table unchanged since the slot's last encoding.
        #expect(memoized.memoHits == 4)
        // As on a connection after its first answer: every block comes from the memo.
        let before = memoized.memoHits
        for _ in 0..<10 {
            for (fields, slot) in [(Self.headers, 0), (Self.trailers, 2)] {
                var a: [UInt8] = [], b: [UInt8] = []
                memoized.encode(fields, into: &a, memo: slot)
                plain.encode(fields, into: &b)
                #expect(a == b)
                #expect(try decoder.decode(a).fields == fields)
            }
        }
        #expect(memoized.memoHits - before == 20)
    }
}

/// Huffman literals the decoder has just seen are reused, never confused with another literal.
@Suite("HPACK decoder: repeated literals")
struct RepeatedLiteralTests {
    @Test("the same Huffman literal in every block, and others of the same length, decode exactly")
    func repeated() throws {
        var encoder = Encoder(indexedNames: [])
        var decoder = Decoder()
        // Literals without indexing, as nghttp2 sends :path and content-length.
        let paths = [
            "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
            "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunctiom",
            "/a", "/b", "/c", "/d", "/e", "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
        ]
        for round in 0..<3 {
            for (i, path) in paths.enumerated() {
                let fields = [HeaderField(":path", path), HeaderField("content-length", String(8836 + i + round))]
                var block: [UInt8] = []
                encoder.encode(fields, into: &block)
                #expect(try decoder.decode(block).fields == fields)
            }
        }
    }
}
