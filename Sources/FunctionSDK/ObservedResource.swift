/// A composed resource as core observed it: the object, kept as the bytes it came in, and its
/// connection details. A reconcile observes every composed resource but reads a few fields of a
/// few: decoding them all into trees was most of a steady-state call, so fields are read on demand.
public struct ObservedResource: Sendable {
    /// The object's `google.protobuf.Struct` payload (a slice of the request; no copy).
    public let encoded: ArraySlice<UInt8>
    /// The connection details core read for it (never log them).
    public var connectionDetails: [String: [UInt8]]

    /// A resource from a decoded object (tests build them this way).
    public init(object: JSON.Object, connectionDetails: [String: [UInt8]] = [:]) {
        self.init(encoded: ArraySlice(StructCodec.encodedStruct(object)), connectionDetails: connectionDetails)
    }

    init(encoded: ArraySlice<UInt8>, connectionDetails: [String: [UInt8]] = [:]) {
        self.encoded = encoded
        self.connectionDetails = connectionDetails
    }

    /// The whole object, decoded at each call. Observed state is not checked the way the echoed
    /// parts of a request are (it is read, never sent back), so an object whose bytes do not parse
    /// reads as empty here, and as absent fields below: the function composes as for a resource that
    /// reports nothing yet.
    public var object: JSON.Object { (try? StructCodec.decodeStruct(encoded)) ?? JSON.Object() }

    /// The value at `path` (object keys), decoding only that value.
    public subscript(path path: String...) -> JSON? { value(at: path) }

    /// The value at `path` (object keys), decoding only that value; nil where a key is missing.
    public func value(at path: [String]) -> JSON? {
        encoded.withUnsafeBufferPointer { b in
            var range = 0..<b.count
            for (i, key) in path.enumerated() {
                guard let value = StructCodec.memberValue(key, b, range) else { return nil }
                if i == path.count - 1 { return try? StructCodec.decodeValue(b, value, depth: 1) }
                guard let inner = StructCodec.valueField(5, b, value) else { return nil }
                range = inner
            }
            return .object(object)
        }
    }

    /// The `Ready` condition: `status.conditions[type=Ready]`, the first one listed.
    public var readyCondition: JSON.Object? {
        encoded.withUnsafeBufferPointer { b -> JSON.Object? in
            guard
                let status = StructCodec.memberValue("status", b, 0..<b.count).flatMap({
                    StructCodec.valueField(5, b, $0)
                }),
                let conditions = StructCodec.memberValue("conditions", b, status).flatMap({
                    StructCodec.valueField(6, b, $0)
                })
            else { return nil }
            var found: JSON.Object?
            var done = false
            try? WireFormat.forEachField(b, in: conditions) { item in
                guard !done, item.number == 1, item.wireType == .lengthDelimited else { return }
                guard
                    let type = StructCodec.valueField(5, b, item.range).flatMap({
                        StructCodec.memberValue("type", b, $0)
                    }),
                    case .string("Ready")? = try? StructCodec.decodeValue(b, type, depth: 3)
                else { return }
                done = true
                if let s = StructCodec.valueField(5, b, item.range) {
                    found = try StructCodec.decodeStruct(b, s, depth: 3)
                }
            }
            return found
        }
    }

    /// Ready when its Ready condition has status "True".
    public var isReady: Bool { readyCondition?["status"]?.string == "True" }
}
