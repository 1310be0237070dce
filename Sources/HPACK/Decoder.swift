import Glibc

/// The result of decoding one header block.
public struct DecodedBlock: Sendable {
    public var fields: [HeaderField]
    /// The decoded list passed `maxHeaderListSize` or `maxFieldCount`. Decoding went on to keep the
    /// dynamic table in sync, but fields past the limit were dropped.
    public var exceededLimits: Bool
    /// Sum of name + value + 32 over every field of the block, dropped ones included.
    public var listSize: Int
}

/// RFC 7541 decoder for one connection. Every limit a peer could push on is bounded: table size,
/// integer width, string length, decoded list size and field count.
public struct Decoder: Sendable {
    /// The SETTINGS_HEADER_TABLE_SIZE we advertise; size updates above it are errors.
    public private(set) var maxTableSize: Int
    public var maxHeaderListSize: Int
    public var maxFieldCount: Int
    private var table: DynamicTable
    private var scratch: [UInt8] = []
    /// The last few short Huffman-coded literals and what they decoded to. Clients that do not index a
    /// field send the same bytes on every request (nghttp2 and h2load send `:path` and
    /// `content-length` as literals), and the decoded string is then reused instead of decoded and
    /// allocated again.
    private var recentHuffman: [(raw: [UInt8], text: String, count: Int)] = []
    private var nextRecent = 0
    static let recentHuffmanEntries = 4, recentHuffmanMaxLength = 128

    public init(maxTableSize: Int = 4096, maxHeaderListSize: Int = 65536, maxFieldCount: Int = 100) {
        self.maxTableSize = maxTableSize
        self.maxHeaderListSize = maxHeaderListSize
        self.maxFieldCount = maxFieldCount
        self.table = DynamicTable(maxSize: maxTableSize)
    }

    /// For tests: the dynamic table, newest first, and its size.
    public var dynamicEntries: [HeaderField] {
        (0..<table.count).map { i in
            let e = table.entry(i + 1)!
            return HeaderField(e.name, e.value)
        }
    }
    public var dynamicTableSize: Int { table.size }

    public mutating func decode(_ block: [UInt8]) throws -> DecodedBlock {
        try block.withUnsafeBufferPointer { try decode($0) }
    }

    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> DecodedBlock {
        var out = DecodedBlock(fields: [], exceededLimits: false, listSize: 0)
        var index = 0
        var sawField = false
        var fieldCount = 0
        while index < bytes.count {
            let first = bytes[index]
            if first & 0x80 != 0 {
                // Indexed field (RFC 7541 section 6.1).
                let i = try IntegerCoding.decode(bytes, index: &index, prefixBits: 7)
                let (name, value) = try lookup(i)
                sawField = true
                emit(name, value, octets: nil, neverIndexed: false, into: &out, count: &fieldCount)
            } else if first & 0xc0 == 0x40 {
                // Literal with incremental indexing (section 6.2.1).
                sawField = true
                let (name, nameLen) = try literalName(bytes, index: &index, prefixBits: 6)
                let (value, valueLen) = try string(bytes, index: &index)
                let size = nameLen + valueLen + 32
                table.add(name: name, value: value, size: size)
                emit(name, value, octets: size, neverIndexed: false, into: &out, count: &fieldCount)
            } else if first & 0xe0 == 0x20 {
                // Dynamic table size update (section 6.3): only before the first field.
                if sawField { throw HPACKError.sizeUpdateNotAtStart }
                let newSize = try IntegerCoding.decode(bytes, index: &index, prefixBits: 5)
                if newSize > maxTableSize { throw HPACKError.sizeUpdateTooLarge(newSize) }
                table.resize(newSize)
            } else {
                // Literal without indexing (0000, section 6.2.2) and never indexed (0001, section 6.2.3).
                sawField = true
                let never = first & 0x10 != 0
                let (name, nameLen) = try literalName(bytes, index: &index, prefixBits: 4)
                let (value, valueLen) = try string(bytes, index: &index)
                emit(name, value, octets: nameLen + valueLen + 32, neverIndexed: never, into: &out, count: &fieldCount)
            }
        }
        return out
    }

    private func lookup(_ index: Int) throws -> (String, String) {
        if index == 0 { throw HPACKError.indexZero }
        if index <= StaticTable.entries.count {
            let e = StaticTable.entries[index - 1]
            return (e.name, e.value)
        }
        guard let e = table.entry(index - StaticTable.entries.count) else { throw HPACKError.indexOutOfRange(index) }
        return (e.name, e.value)
    }

    private func lookupName(_ index: Int) throws -> (String, Int) {
        let (name, _) = try lookup(index)
        return (name, name.utf8.count)
    }

    private mutating func literalName(_ bytes: UnsafeBufferPointer<UInt8>, index: inout Int, prefixBits: Int) throws
        -> (String, Int)
    {
        let nameIndex = try IntegerCoding.decode(bytes, index: &index, prefixBits: prefixBits)
        if nameIndex == 0 { return try string(bytes, index: &index) }
        return try lookupName(nameIndex)
    }

    /// A string literal (RFC 7541 section 5.2); returns the string and its decoded octet count.
    private mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, index: inout Int) throws -> (String, Int) {
        guard index < bytes.count else { throw HPACKError.truncated }
        let huffman = bytes[index] & 0x80 != 0
        let length = try IntegerCoding.decode(bytes, index: &index, prefixBits: 7)
        guard length <= bytes.count - index else { throw HPACKError.truncated }
        let raw = UnsafeBufferPointer(rebasing: bytes[index..<(index + length)])
        index += length
        if !huffman {
            return (String(decoding: raw, as: UTF8.self), length)
        }
        let remember = length > 0 && length <= Self.recentHuffmanMaxLength
        if remember {
            for e in recentHuffman
            where e.raw.count == length
                && e.raw.withUnsafeBytes({ memcmp($0.baseAddress!, raw.baseAddress!, length) == 0 })
            {
                return (e.text, e.count)
            }
        }
        scratch.removeAll(keepingCapacity: true)
        try Huffman.decode(raw, into: &scratch)
        let text = String(decoding: scratch, as: UTF8.self)
        if remember {
            let entry = (raw: Array(raw), text: text, count: scratch.count)
            if recentHuffman.count < Self.recentHuffmanEntries {
                recentHuffman.append(entry)
            } else {
                recentHuffman[nextRecent] = entry
                nextRecent = (nextRecent + 1) % Self.recentHuffmanEntries
            }
        }
        return (text, scratch.count)
    }

    private func emit(
        _ name: String, _ value: String, octets: Int?, neverIndexed: Bool, into out: inout DecodedBlock,
        count: inout Int
    ) {
        let size = octets ?? (name.utf8.count + value.utf8.count + 32)
        out.listSize += size
        count += 1
        if out.exceededLimits { return }
        if out.listSize > maxHeaderListSize || count > maxFieldCount {
            // Keep decoding for table sync, but stop materialising fields (HPACK bomb defence).
            out.exceededLimits = true
            out.fields.removeAll()
            return
        }
        out.fields.append(HeaderField(name, value, neverIndexed: neverIndexed))
    }
}
