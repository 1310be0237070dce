import HPACK
import HTTP2

// libFuzzer target: the frame parser and connection state machine. The input follows a valid preface
// and is fed in chunks whose sizes come from the input itself; every request is answered (headers,
// a body, trailers) as the gRPC layer would, and time moves on between chunks so the timers run.
// Properties: no crash; everything we write parses as whole frames; no event comes out after a
// connection error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var config = Configuration()
    config.maxConcurrentStreams = 16
    let conn = ServerConnection(configuration: config)
    var now: UInt64 = 1_000
    conn.start(now: now)
    conn.receive(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0], now: now)
    var i = 0
    while i < input.count {
        let n = 1 + Int(input[i]) % 64 * 16
        let end = min(input.count, i + 1 + n)
        let closingBefore = conn.isClosing
        if i + 1 < end { conn.receive(Array(input[(i + 1)..<end]), now: now) }
        for event in conn.takeEvents() {
            precondition(!closingBefore, "event after a connection error")
            if case .request(let stream, _, _) = event {
                conn.sendHeaders(stream: stream, fields: [HeaderField(":status", "200")], endStream: false)
                conn.sendData(stream: stream, bytes: [UInt8](repeating: 0x61, count: Int(stream % 5) * 9000), endStream: false)
                conn.sendTrailers(stream: stream, fields: [HeaderField("grpc-status", "0")])
            }
        }
        now += UInt64(input[i]) * 50_000_000
        conn.tick(now: now)
        checkFrames(conn.outbound)
        conn.outbound.removeAll()
        conn.queuedControlFrames = 0
        i = end
    }
    return 0
}

func checkFrames(_ b: [UInt8]) {
    var i = 0
    while i < b.count {
        precondition(i + 9 <= b.count, "truncated frame header")
        i += 9 + (Int(b[i]) << 16 | Int(b[i + 1]) << 8 | Int(b[i + 2]))
    }
    precondition(i == b.count, "truncated frame payload")
}
