/// One decoded or to-be-encoded header field. `neverIndexed` carries RFC 7541 section 6.2.3's flag so that
/// a re-encoder keeps sensitive fields out of every table.
public struct HeaderField: Equatable, Hashable, Sendable {
    public var name: String
    public var value: String
    public var neverIndexed: Bool

    public init(_ name: String, _ value: String, neverIndexed: Bool = false) {
        self.name = name
        self.value = value
        self.neverIndexed = neverIndexed
    }

    /// RFC 7541 section 4.1: the size an entry takes in a table and in SETTINGS_MAX_HEADER_LIST_SIZE.
    public var size: Int { name.utf8.count + value.utf8.count + 32 }
}
