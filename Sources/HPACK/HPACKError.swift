/// Every decoding error is a connection error of type COMPRESSION_ERROR (RFC 9113 section 4.3).
public enum HPACKError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated
    case integerOverflow
    case indexZero
    case indexOutOfRange(Int)
    case invalidHuffmanPadding
    case huffmanEOS
    case sizeUpdateNotAtStart
    case sizeUpdateTooLarge(Int)
    case stringTooLong(Int)

    public var description: String {
        switch self {
        case .truncated: return "truncated header block"
        case .integerOverflow: return "integer exceeds implementation limit"
        case .indexZero: return "index 0"
        case .indexOutOfRange(let i): return "index \(i) out of range"
        case .invalidHuffmanPadding: return "invalid Huffman padding"
        case .huffmanEOS: return "EOS symbol in Huffman string"
        case .sizeUpdateNotAtStart: return "dynamic table size update after a field"
        case .sizeUpdateTooLarge(let n): return "dynamic table size update to \(n) exceeds the limit"
        case .stringTooLong(let n): return "string of \(n) octets exceeds the limit"
        }
    }
}
