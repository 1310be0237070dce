import SwiftProtobuf

/// Writes a serialized RunFunctionResponse field by field, so that pass-through state is copied as
/// raw bytes and only what the function owns is encoded.
public struct ResponseWriter: Sendable {
    public enum Field {
        public static let meta = 1, desired = 2, results = 3, context = 4, requirements = 5, conditions = 6
    }

    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// `meta`: the echoed tag and the TTL (seconds 0 and nanos 0: no TTL).
    public mutating func meta(tag: String, ttlSeconds: Int64, ttlNanos: Int32 = 0) {
        var meta: [UInt8] = []
        if !tag.isEmpty {
            WireFormat.appendTag(1, .lengthDelimited, to: &meta)
            WireFormat.appendVarint(UInt64(tag.utf8.count), to: &meta)
            meta.append(contentsOf: tag.utf8)
        }
        if ttlSeconds != 0 || ttlNanos != 0 {
            var d: [UInt8] = []
            if ttlSeconds != 0 {
                WireFormat.appendTag(1, .varint, to: &d)
                WireFormat.appendVarint(UInt64(bitPattern: ttlSeconds), to: &d)
            }
            if ttlNanos != 0 {
                WireFormat.appendTag(2, .varint, to: &d)
                WireFormat.appendVarint(UInt64(bitPattern: Int64(ttlNanos)), to: &d)
            }
            WireFormat.appendTag(2, .lengthDelimited, to: &meta)
            WireFormat.appendVarint(UInt64(d.count), to: &meta)
            meta += d
        }
        raw(Field.meta, meta[...])
    }

    /// A length-delimited field whose payload is given as bytes (copied verbatim).
    public mutating func raw(_ field: Int, _ payload: ArraySlice<UInt8>) {
        WireFormat.appendTag(field, .lengthDelimited, to: &bytes)
        WireFormat.appendVarint(UInt64(payload.count), to: &bytes)
        bytes.append(contentsOf: payload)
    }

    /// A length-delimited field holding a message encoded by swift-protobuf (small messages only:
    /// results, conditions).
    public mutating func message(_ field: Int, _ message: some SwiftProtobuf.Message) throws {
        let encoded: [UInt8] = try message.serializedBytes()
        raw(field, encoded[...])
    }
}
