/// Received bytes not yet processed, with room after them that the transport reads into directly.
/// Hands out one whole frame at a time: a frame's declared length is checked before its payload is
/// waited for, so an oversized length never makes us buffer it.
struct InboundBuffer {
    /// Processed up to `offset`, valid up to `end`; the rest is room.
    private(set) var bytes: [UInt8] = []
    private(set) var offset = 0
    private(set) var end = 0

    var available: Int { end - offset }

    subscript(i: Int) -> UInt8 { bytes[i] }

    func slice(_ start: Int, _ length: Int) -> ArraySlice<UInt8> { bytes[start..<(start + length)] }

    func uint32(at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }

    mutating func append(_ input: UnsafeRawBufferPointer) {
        makeRoom(input.count)
        bytes.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + input.count)]).copyMemory(from: input)
        }
        end += input.count
    }

    /// Gives `read` `count` bytes of room; keeps what it says it filled.
    mutating func fill(_ count: Int, with read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        makeRoom(count)
        let start = end
        let n = bytes.withUnsafeMutableBytes { raw in
            read(UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + count)]))
        }
        guard n > 0 else { return n }
        precondition(n <= count, "read past the room it was given")
        end += n
        return n
    }

    mutating func consume(_ n: Int) { offset += n }

    /// The next whole frame, or nil until all of it has arrived.
    mutating func nextFrame() throws(ProtocolViolation) -> Frame? {
        guard available >= 9 else { return nil }
        let b = offset
        let length = Int(bytes[b]) << 16 | Int(bytes[b + 1]) << 8 | Int(bytes[b + 2])
        // We never raise SETTINGS_MAX_FRAME_SIZE above its initial 16384.
        if length > 16384 {
            throw .connection(.frameSizeError, "frame of \(length) octets exceeds SETTINGS_MAX_FRAME_SIZE")
        }
        guard available >= 9 + length else { return nil }
        offset += 9 + length
        return Frame(
            type: FrameType(rawValue: bytes[b + 3]), flags: bytes[b + 4], stream: uint32(at: b + 5) & 0x7fff_ffff,
            start: b + 9, length: length)
    }

    /// One frame: its header, and where its payload is in `bytes`.
    struct Frame {
        var type: FrameType
        var flags: UInt8
        var stream: UInt32
        var start: Int
        var length: Int

        func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
    }

    /// Makes `count` bytes of room after the unprocessed input: what was processed is dropped (moving
    /// the rest to the front once it is more than 64 KiB in), and the buffer grows only when the
    /// unprocessed input itself needs it. It keeps its size, so reads never pay to zero it again.
    private mutating func makeRoom(_ count: Int) {
        if offset == end {
            offset = 0
            end = 0
        } else if offset > 65536 || end + count > bytes.count {
            let start = offset, n = end - offset
            bytes.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: n)
            }
            end = n
            offset = 0
        }
        if end + count > bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: end + count - bytes.count))
        }
    }
}
