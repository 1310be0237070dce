/// Writes protobuf bytes into memory sized beforehand (every length is computed before anything is
/// written), so no write checks capacity or grows a buffer. The caller owns the bounds: it sizes
/// the buffer with the same arithmetic the writes follow and checks the final offset.
struct ByteWriter {
    private var p: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { p = start }

    func offset(from start: UnsafeMutablePointer<UInt8>) -> Int { p - start }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        p.initialize(to: b)
        p += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(v))
    }

    /// Little-endian, as protobuf's fixed64.
    @inline(__always)
    mutating func fixed64(_ bits: UInt64) {
        UnsafeMutableRawPointer(p).storeBytes(of: bits.littleEndian, as: UInt64.self)
        p += 8
    }

    @inline(__always)
    mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress, !b.isEmpty else { return }
        Self.copy(UnsafeRawPointer(base), to: UnsafeMutableRawPointer(p), count: b.count)
        p += b.count
    }

    /// Copies `count` (> 0) bytes between regions that do not overlap. Most copies of a render are
    /// keys and short values of a few to twenty bytes, where a call to memmove cost more than the
    /// bytes: up to 16 go as two overlapping loads and stores, inline.
    @inline(__always)
    static func copy(_ src: UnsafeRawPointer, to dst: UnsafeMutableRawPointer, count n: Int) {
        if n >= 8 && n <= 16 {
            let head = src.loadUnaligned(as: UInt64.self)
            let tail = src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            dst.storeBytes(of: head, as: UInt64.self)
            dst.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = src.loadUnaligned(as: UInt32.self)
            let tail = src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            dst.storeBytes(of: head, as: UInt32.self)
            dst.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n < 4 {
            for k in 0..<n {
                dst.storeBytes(of: src.load(fromByteOffset: k, as: UInt8.self), toByteOffset: k, as: UInt8.self)
            }
        } else {
            dst.copyMemory(from: src, byteCount: n)
        }
    }

    @inline(__always)
    mutating func string(_ s: String) {
        // Native strings are contiguous UTF-8 (no copy, no retain); others are copied once.
        if s.utf8.withContiguousStorageIfAvailable({ bytes($0) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { bytes($0) }
        }
    }
}
