/// RFC 7541 encoder with the response policy of our server: exact static matches are indexed; the
/// few fields that repeat on every response are inserted into the dynamic table; everything else is a
/// literal without indexing, so varying values (grpc-message) never churn the table.
public struct Encoder: Sendable {
    public static let defaultIndexedNames: Set<String> = ["content-type", "grpc-accept-encoding", "grpc-encoding"]

    private var table: DynamicTable
    /// The size our table may use: min(peer's SETTINGS_HEADER_TABLE_SIZE, our own cap).
    private var cap: Int
    private var pendingMinimum: Int?
    private var pendingFinal: Int?
    public var indexedNames: Set<String>
    /// Encodings of field lists a caller sends on every call (the same response headers and
    /// trailers), by the caller's slot number, with the table generation they were made at.
    private var memo: [(generation: UInt64, bytes: [UInt8])?] = Array(repeating: nil, count: Encoder.memoSlots)
    public static let memoSlots = 4
    /// Blocks served from the memo (for tests).
    private(set) var memoHits = 0

    public init(maxTableSize: Int = 4096, indexedNames: Set<String> = Encoder.defaultIndexedNames) {
        self.cap = maxTableSize
        self.table = DynamicTable(maxSize: min(4096, maxTableSize))
        self.indexedNames = indexedNames
    }

    /// Call when the peer's SETTINGS_HEADER_TABLE_SIZE is acknowledged. The next block starts with
    /// the size update(s) RFC 7541 section 4.2 requires.
    public mutating func setPeerMaxTableSize(_ size: Int) {
        let effective = min(size, cap)
        if effective == table.maxSize, pendingFinal == nil { return }
        pendingMinimum = min(pendingMinimum ?? effective, effective)
        pendingFinal = effective
        table.resize(effective)
    }

    public mutating func encode(_ fields: [HeaderField], into out: inout [UInt8]) {
        if let final = pendingFinal {
            if let minimum = pendingMinimum, minimum < final {
                IntegerCoding.encode(minimum, prefixBits: 5, flags: 0x20, into: &out)
            }
            IntegerCoding.encode(final, prefixBits: 5, flags: 0x20, into: &out)
            pendingFinal = nil
            pendingMinimum = nil
        }
        for field in fields { encode(field, into: &out) }
    }

    /// `encode(_:into:)` for a list the caller always passes under the same `slot`. An encoding
    /// that left the table as it found it is kept and replayed while the table stays unchanged:
    /// the same bytes the full encoding would give, without a lookup per field. Once the fields
    /// are in the table (after the first answer) that is every call.
    public mutating func encode(_ fields: [HeaderField], into out: inout [UInt8], memo slot: Int) {
        precondition(slot >= 0 && slot < Self.memoSlots, "HPACK memo slot out of range")
        if pendingFinal == nil, let m = memo[slot], m.generation == table.generation {
            memoHits &+= 1
            out.append(contentsOf: m.bytes)
            return
        }
        let start = out.count
        let before = table.generation
        let hadUpdate = pendingFinal != nil
        encode(fields, into: &out)
        memo[slot] = !hadUpdate && table.generation == before ? (before, Array(out[start...])) : nil
    }

    public mutating func encode(_ field: HeaderField, into out: inout [UInt8]) {
        if !field.neverIndexed, let i = StaticTable.exact[field.name + "\u{0}" + field.value] {
            IntegerCoding.encode(i, prefixBits: 7, flags: 0x80, into: &out)
            return
        }
        let dynamicMatch = field.neverIndexed ? nil : table.find(name: field.name, value: field.value)
        if let m = dynamicMatch, m.exact {
            IntegerCoding.encode(m.index + StaticTable.entries.count, prefixBits: 7, flags: 0x80, into: &out)
            return
        }
        let nameIndex =
            StaticTable.nameIndex[field.name] ?? dynamicMatch.map { $0.index + StaticTable.entries.count } ?? 0
        if field.neverIndexed {
            IntegerCoding.encode(nameIndex, prefixBits: 4, flags: 0x10, into: &out)
        } else if indexedNames.contains(field.name) && field.size <= table.maxSize {
            IntegerCoding.encode(nameIndex, prefixBits: 6, flags: 0x40, into: &out)
            table.add(name: field.name, value: field.value, size: field.size)
        } else {
            IntegerCoding.encode(nameIndex, prefixBits: 4, flags: 0x00, into: &out)
        }
        if nameIndex == 0 { Self.encodeString(field.name, into: &out) }
        Self.encodeString(field.value, into: &out)
    }

    static func encodeString(_ s: String, into out: inout [UInt8]) {
        let utf8 = s.utf8
        let huffmanLength = Huffman.encodedLength(utf8)
        if huffmanLength < utf8.count {
            IntegerCoding.encode(huffmanLength, prefixBits: 7, flags: 0x80, into: &out)
            Huffman.encode(utf8, into: &out)
        } else {
            IntegerCoding.encode(utf8.count, prefixBits: 7, flags: 0x00, into: &out)
            out.append(contentsOf: utf8)
        }
    }
}
