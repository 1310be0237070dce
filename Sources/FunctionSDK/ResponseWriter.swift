import SwiftProtobuf

/// Writes a serialized RunFunctionResponse field by field, so that pass-through state is copied as
/// raw bytes and only what the function owns is encoded.
package struct ResponseWriter: Sendable {
    package enum Field {
        package static let meta = 1, desired = 2, results = 3, context = 4, requirements = 5, conditions = 6
    }

    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// `meta`: the echoed tag and the TTL (seconds 0 and nanos 0: no TTL).
    package mutating func meta(tag: String, ttlSeconds: Int64, ttlNanos: Int32 = 0) {
        var meta: [UInt8] = []
        if !tag.isEmpty { WireFormat.appendField(1, tag.utf8, to: &meta) }
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
            WireFormat.appendField(2, d, to: &meta)
        }
        raw(Field.meta, meta)
    }

    /// A length-delimited field whose payload is given as bytes (copied verbatim).
    package mutating func raw<C: Collection>(_ field: Int, _ payload: C) where C.Element == UInt8 {
        WireFormat.appendField(field, payload, to: &bytes)
    }

    /// A `results` entry, encoded here: byte for byte what swift-protobuf writes (fields in number
    /// order, proto3 defaults left out, `reason` and `target` whenever present), without building
    /// its intermediate buffers; every refused claim and every pass-through call sends one.
    package mutating func result(_ r: FnV1.Result) {
        var body: [UInt8] = []
        body.reserveCapacity(r.message.utf8.count + r.reason.utf8.count + 16)
        if r.severity.rawValue != 0 {
            WireFormat.appendTag(1, .varint, to: &body)
            WireFormat.appendVarint(UInt64(bitPattern: Int64(r.severity.rawValue)), to: &body)
        }
        if !r.message.isEmpty { WireFormat.appendField(2, r.message.utf8, to: &body) }
        if r.hasReason { WireFormat.appendField(3, r.reason.utf8, to: &body) }
        if r.hasTarget {
            WireFormat.appendTag(4, .varint, to: &body)
            WireFormat.appendVarint(UInt64(bitPattern: Int64(r.target.rawValue)), to: &body)
        }
        raw(Field.results, body)
    }

    /// A length-delimited field holding a message encoded by swift-protobuf (small messages only:
    /// results, conditions).
    package mutating func message(_ field: Int, _ message: some SwiftProtobuf.Message) throws {
        let encoded: [UInt8] = try message.serializedBytes()
        raw(field, encoded)
    }
}
