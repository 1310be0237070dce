import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

/// The input side as the transport drives it: bytes read straight into the connection's buffer in
/// chunks that split frames anywhere, and the per-value field check that runs on every request.
@Suite("HTTP/2 input path")
struct InputPathTests {
    @Test("NUL, LF and CR are found at every position of values up to 40 bytes; other bytes pass")
    func valueCheck() {
        for length in 0...40 {
            let clean = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(clean.withUnsafeBufferPointer(RequestValidator.hasNoNULCRLF))
            for position in 0..<length {
                for bad: UInt8 in [0x00, 0x0a, 0x0d] {
                    var v = clean
                    v[position] = bad
                    #expect(
                        !v.withUnsafeBufferPointer(RequestValidator.hasNoNULCRLF), "\(bad) at \(position) of \(length)")
                }
                for near: UInt8 in [0x01, 0x09, 0x0b, 0x0c, 0x0e, 0x8a, 0x8d, 0xff] {
                    var v = clean
                    v[position] = near
                    #expect(
                        v.withUnsafeBufferPointer(RequestValidator.hasNoNULCRLF), "\(near) at \(position) of \(length)")
                }
            }
        }
    }

    @Test("requests read straight into the buffer in chunks of 1 to 70,000 bytes give the same events")
    func chunkedReads() throws {
        var encoder = Encoder(indexedNames: [])
        var wire = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + frameBytes(.settings, stream: 0, [])
        for stream in stride(from: UInt32(1), through: 39, by: 2) {
            var block: [UInt8] = []
            encoder.encode(
                [
                    HeaderField(":method", "POST"), HeaderField(":scheme", "http"),
                    HeaderField(":path", "/p/\(stream)"),
                    HeaderField(":authority", "x"), HeaderField("content-type", "application/grpc"),
                ], into: &block)
            wire += frameBytes(.headers, flags: FrameFlags.endHeaders, stream: stream, block)
            let body = (0..<(Int(stream) * 700)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(stream)) }
            for chunk in stride(from: 0, to: body.count, by: 16384) {
                let part = Array(body[chunk..<min(body.count, chunk + 16384)])
                wire += frameBytes(
                    .data, flags: chunk + 16384 >= body.count ? FrameFlags.endStream : 0, stream: stream, part)
            }
        }
        func events(chunk: Int) -> [String] {
            let c = ServerConnection()
            c.start(now: 1)
            var offset = 0
            var out: [String] = []
            var bodies: [UInt32: [UInt8]] = [:]
            while offset < wire.count {
                let n = c.receive(now: 2) { space in
                    let take = min(chunk, space.count, wire.count - offset)
                    wire.withUnsafeBytes {
                        space.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: take)
                    }
                    return take
                }
                offset += n
                for e in c.takeEvents() {
                    switch e {
                    case .request(let s, let head, _): out.append("request \(s) \(head.path)")
                    case .data(let s, let bytes, let end):
                        bodies[s, default: []] += bytes
                        if end { out.append("body \(s) \(bodies[s]!.count) \(bodies[s]!.reduce(0) { $0 &+ Int($1) })") }
                    case .trailers(let s): out.append("trailers \(s)")
                    case .reset(let s, let code): out.append("reset \(s) \(code)")
                    }
                }
            }
            #expect(!c.isClosing)
            return out
        }
        let whole = events(chunk: 70_000)
        #expect(whole.count == 40)
        for chunk in [1, 7, 9, 100, 4096, 16393, 65536] {
            #expect(events(chunk: chunk) == whole, "chunks of \(chunk)")
        }
    }
}
