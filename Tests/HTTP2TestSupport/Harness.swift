import HPACK
import HTTP2

public struct Frame: Equatable, CustomStringConvertible {
    public var type: UInt8
    public var flags: UInt8
    public var stream: UInt32
    public var payload: [UInt8]

    public init(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.stream = stream
        self.payload = payload
    }

    public var errorCode: UInt32? {
        switch type {
        case 0x3: return payload.count == 4 ? be32(payload, 0) : nil
        case 0x7: return payload.count >= 8 ? be32(payload, 4) : nil
        default: return nil
        }
    }

    public var description: String {
        "Frame(type: \(type), flags: \(flags), stream: \(stream), \(payload.count) octets)"
    }
}

public func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

public func u32(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
}

/// One frame's bytes: the 9-octet header, then the payload.
public func frameBytes(_ type: FrameType, flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
    let n = payload.count
    return [UInt8(n >> 16), UInt8((n >> 8) & 0xff), UInt8(n & 0xff), type.rawValue, flags] + u32(stream) + payload
}

/// Drives a ServerConnection the way a client would, frame by frame, and reads back what it emits.
public final class Harness {
    public static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    public let conn: ServerConnection
    public var encoder = Encoder(indexedNames: [])
    public var decoder = Decoder()
    public var now: UInt64 = 1_000

    /// With `handshake`, the preface and an empty SETTINGS are sent and the server's preface is read.
    /// The connection's max-age jitter is `ageJitter` (none by default, so ages are exact).
    public init(
        configuration: Configuration = Configuration(), handshake: Bool = true, settings: [(UInt16, UInt32)] = [],
        ageJitter: Double = 0
    ) {
        conn = ServerConnection(configuration: configuration, ageJitter: ageJitter)
        conn.start(now: now)
        if handshake {
            var payload: [UInt8] = []
            for (id, v) in settings { payload += [UInt8(id >> 8), UInt8(id & 0xff)] + u32(v) }
            send(Harness.preface + frameBytes(.settings, stream: 0, payload))
            _ = frames()
            send(.settings, flags: FrameFlags.ack, stream: 0) // ACK our SETTINGS, as every client does
            _ = frames()
        }
    }

    public func send(_ bytes: [UInt8]) { conn.receive(bytes, now: now) }

    /// Sends one frame: `h.send(.data, flags: FrameFlags.endStream, stream: 1, message)`.
    public func send(_ type: FrameType, flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8] = []) {
        send(frameBytes(type, flags: flags, stream: stream, payload))
    }

    public func block(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        encoder.encode(fields.map { HeaderField($0.0, $0.1) }, into: &out)
        return out
    }

    public static let get = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "localhost")]
    public static let grpc = [
        (":method", "POST"), (":scheme", "http"), (":path", "/pkg.Svc/M"), (":authority", "localhost"),
        ("content-type", "application/grpc"), ("te", "trailers"),
    ]

    public func headers(_ stream: UInt32, _ fields: [(String, String)] = Harness.get, endStream: Bool = true) {
        send(
            .headers, flags: FrameFlags.endHeaders | (endStream ? FrameFlags.endStream : 0), stream: stream,
            block(fields))
    }

    /// Frames the server wrote since the last call.
    public func frames() -> [Frame] {
        var out: [Frame] = []
        let b = conn.outbound
        var i = 0
        while i + 9 <= b.count {
            let n = Int(b[i]) << 16 | Int(b[i + 1]) << 8 | Int(b[i + 2])
            out.append(
                Frame(
                    type: b[i + 3], flags: b[i + 4], stream: be32(b, i + 5) & 0x7fff_ffff,
                    payload: Array(b[(i + 9)..<(i + 9 + n)])))
            i += 9 + n
        }
        conn.outbound.removeAll()
        conn.outputDrained() // as the transport does once everything is written
        return out
    }

    public func decodeHeaders(_ f: Frame) throws -> [HeaderField] { try decoder.decode(f.payload).fields }
}
