/// Appends encoded frames to an output buffer. Every frame the server emits goes through here.
public enum FrameWriter {
    public static let maxWindow = Int(Int32.max)

    @inline(__always)
    public static func header(length: Int, type: FrameType, flags: UInt8, stream: UInt32, into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(type.rawValue)
        out.append(flags)
        appendUInt32(stream & 0x7fff_ffff, into: &out)
    }

    @inline(__always)
    public static func appendUInt32(_ v: UInt32, into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v >> 24))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }

    public static func settings(_ values: [(UInt16, UInt32)], into out: inout [UInt8]) {
        header(length: values.count * 6, type: .settings, flags: 0, stream: 0, into: &out)
        for (id, value) in values {
            out.append(UInt8(id >> 8))
            out.append(UInt8(id & 0xff))
            appendUInt32(value, into: &out)
        }
    }

    public static func settingsAck(into out: inout [UInt8]) {
        header(length: 0, type: .settings, flags: FrameFlags.ack, stream: 0, into: &out)
    }

    public static func ping(_ payload: some Collection<UInt8>, ack: Bool, into out: inout [UInt8]) {
        header(length: 8, type: .ping, flags: ack ? FrameFlags.ack : 0, stream: 0, into: &out)
        out.append(contentsOf: payload)
    }

    public static func windowUpdate(stream: UInt32, increment: Int, into out: inout [UInt8]) {
        header(length: 4, type: .windowUpdate, flags: 0, stream: stream, into: &out)
        appendUInt32(UInt32(increment) & 0x7fff_ffff, into: &out)
    }

    public static func rstStream(stream: UInt32, code: ErrorCode, into out: inout [UInt8]) {
        header(length: 4, type: .rstStream, flags: 0, stream: stream, into: &out)
        appendUInt32(code.rawValue, into: &out)
    }

    public static func goAway(lastStream: UInt32, code: ErrorCode, debug: String, into out: inout [UInt8]) {
        let text = Array(debug.utf8.prefix(256))
        header(length: 8 + text.count, type: .goAway, flags: 0, stream: 0, into: &out)
        appendUInt32(lastStream & 0x7fff_ffff, into: &out)
        appendUInt32(code.rawValue, into: &out)
        out.append(contentsOf: text)
    }

    /// A header block split into HEADERS + CONTINUATION frames no larger than `maxFrameSize`.
    public static func headerBlock(
        stream: UInt32, block: [UInt8], endStream: Bool, maxFrameSize: Int, into out: inout [UInt8]
    ) {
        var offset = 0
        var first = true
        repeat {
            let n = min(maxFrameSize, block.count - offset)
            let last = offset + n == block.count
            var flags: UInt8 = last ? FrameFlags.endHeaders : 0
            if first && endStream { flags |= FrameFlags.endStream }
            header(length: n, type: first ? .headers : .continuation, flags: flags, stream: stream, into: &out)
            out.append(contentsOf: block[offset..<(offset + n)])
            offset += n
            first = false
        } while offset < block.count
    }
}
