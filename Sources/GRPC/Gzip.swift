import CZlib

/// gRPC's `gzip` message encoding (RFC 1952) with the system zlib. Each message gets a fresh stream;
/// inflation runs in 64 KiB steps with a running total, so a small bomb never grows past the limit.
public enum Gzip {
    public enum Failure: Error, Equatable {
        case tooLarge(Int)
        case corrupt(String)
    }

    /// Inflates one message; more than `limit` octets of output is `.tooLarge` as soon as it is seen.
    /// Several gzip members in a row are inflated one after the other, as Go's reader does.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt("unexpected end of gzip data") }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1) // zlib keeps its address
        stream.initialize(to: z_stream())
        defer {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard czlib_inflate_init_gzip(stream) == Z_OK else { throw .corrupt("inflateInit2 failed") }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var consumed = 0
        while true {
            let status: Int32 = input.withUnsafeBufferPointer { inBuf in
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + consumed)
                    stream.pointee.avail_in = UInt32(inBuf.count - consumed)
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = UInt32(outBuf.count)
                    let r = inflate(stream, Z_NO_FLUSH)
                    consumed = inBuf.count - Int(stream.pointee.avail_in)
                    return r
                }
            }
            let produced = chunk.count - Int(stream.pointee.avail_out)
            if out.count + produced > limit { throw .tooLarge(out.count + produced) }
            out.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                if consumed == input.count { return out }
                // Another member follows.
                guard inflateReset(stream) == Z_OK else { throw .corrupt("inflateReset failed") }
            case Z_OK:
                if consumed == input.count && produced == 0 { throw .corrupt("unexpected end of gzip data") }
            case Z_BUF_ERROR:
                if consumed == input.count { throw .corrupt("unexpected end of gzip data") }
            case Z_DATA_ERROR: throw .corrupt("invalid gzip data")
            case Z_NEED_DICT: throw .corrupt("gzip data needs a dictionary")
            case Z_MEM_ERROR: throw .corrupt("out of memory")
            default: throw .corrupt("zlib error \(status)")
            }
        }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 1) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard czlib_deflate_init_gzip(stream, level) == Z_OK else { return [] }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(input.count))) + 32)
        let written: Int = input.withUnsafeBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.pointee.avail_in = UInt32(inBuf.count)
                stream.pointee.next_out = outBuf.baseAddress
                stream.pointee.avail_out = UInt32(outBuf.count)
                let r = deflate(stream, Z_FINISH)
                return r == Z_STREAM_END ? outBuf.count - Int(stream.pointee.avail_out) : -1
            }
        }
        precondition(written >= 0, "deflate into a deflateBound buffer must finish")
        out.removeLast(out.count - written)
        return out
    }
}
