import HPACK

// libFuzzer target: the HPACK decoder on hostile header blocks. The first input byte splits the rest
// into two blocks decoded with one decoder (so dynamic-table state carries over). Properties: no
// crash; the limits hold; whatever decodes within the limits re-encodes with our encoder and decodes
// to the same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHPACK(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = 1 + Int(bytes[0]) * (size - 1) / 256
    var decoder = Decoder(maxTableSize: 4096, maxHeaderListSize: 16384, maxFieldCount: 100)
    for block in [Array(bytes[1..<split]), Array(bytes[split...])] {
        guard let decoded = try? decoder.decode(block) else { return 0 }
        precondition(decoder.dynamicTableSize <= 4096, "dynamic table over its size")
        if decoded.exceededLimits {
            precondition(decoded.fields.isEmpty, "fields kept past the limit")
            continue
        }
        precondition(decoded.fields.count <= 100, "field count over the limit")
        var encoder = Encoder()
        var out: [UInt8] = []
        encoder.encode(decoded.fields, into: &out)
        var fresh = Decoder(maxTableSize: 4096, maxHeaderListSize: 1 << 20, maxFieldCount: 1000)
        let again = try! fresh.decode(out)
        precondition(
            again.fields.map(\.name) == decoded.fields.map(\.name)
                && again.fields.map(\.value) == decoded.fields.map(\.value), "re-encoding changed the fields")
    }
    return 0
}
