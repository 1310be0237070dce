import GRPC

/// A RunFunctionRequest as received: the serialized bytes and where each top-level field lies.
/// Pass-through state (desired, context) is never decoded, so it goes back byte for byte, unknown
/// fields and all, at the cost of a copy.
package struct RequestView: Sendable {
    package let bytes: [UInt8]
    /// The payload range of each top-level field 1...9 sent once, inline: a request is read on every
    /// call, and a dictionary of arrays cost six allocations and the hashing to fill it.
    private var once = InlineArray<10, Range<Int>?>(repeating: nil)
    /// Fields sent more than once, with every occurrence (merged by concatenation, as protobuf
    /// defines merging).
    private var repeated: [Int: [Range<Int>]] = [:]

    /// The payload ranges of a top-level field, in order, or nil when it is absent.
    package func ranges(_ field: Int) -> [Range<Int>]? {
        guard field > 0, field < once.count, let first = once[field] else { return nil }
        return repeated[field] ?? [first]
    }

    package enum Field {
        package static let meta = 1, observed = 2, desired = 3, input = 4, context = 5
    }

    package init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var once = InlineArray<10, Range<Int>?>(repeating: nil)
        var repeated: [Int: [Range<Int>]] = [:]
        try bytes.withUnsafeBufferPointer { buffer in
            try WireFormat.forEachField(buffer, in: 0..<buffer.count) { field in
                guard field.number <= 9 else { return } // unknown top-level request fields: not echoed
                guard field.wireType == .lengthDelimited else {
                    throw WireFormat.Malformed(reason: "field \(field.number) has wire type \(field.wireType.rawValue)")
                }
                if let first = once[field.number] {
                    repeated[field.number, default: [first]].append(field.range)
                } else {
                    once[field.number] = field.range
                }
                // What is echoed (desired, context) or quoted (meta.tag) must be well-formed, or
                // the answer would be unparseable by the caller.
                let shape: (String, MessageShape)? =
                    switch field.number {
                    case Field.meta: ("meta", .meta)
                    case Field.desired: ("desired", .state)
                    case Field.context: ("context", .structure)
                    default: nil
                    }
                if let (name, shape) = shape {
                    do {
                        try shape.validate(buffer, field.range)
                    } catch {
                        throw WireFormat.Malformed(reason: "\(name): \(error)")
                    }
                }
            }
        }
        self.once = once
        self.repeated = repeated
    }

    package func has(_ field: Int) -> Bool { field > 0 && field < once.count && once[field] != nil }

    /// The payload of a message field, merged if it was sent more than once.
    package func payload(_ field: Int) -> ArraySlice<UInt8>? {
        guard field > 0, field < once.count, let first = once[field] else { return nil }
        guard let rs = repeated[field] else { return bytes[first] }
        var merged: [UInt8] = []
        for r in rs { merged += bytes[r] }
        return merged[...]
    }

    /// `meta.tag`, or "" when the request has no meta (core before 1.20, render up to v2.1).
    package func tag() throws -> String {
        guard let meta = payload(Field.meta) else { return "" }
        var tag = ""
        try meta.withUnsafeBufferPointer { buffer in
            try WireFormat.forEachField(buffer, in: 0..<buffer.count) { f in
                if f.number == 1 && f.wireType == .lengthDelimited {
                    tag = String(decoding: UnsafeBufferPointer(rebasing: buffer[f.range]), as: UTF8.self)
                }
            }
        }
        return tag
    }

    /// The whole request decoded with swift-protobuf, for functions that want typed access.
    package func message() throws -> FnV1.RunFunctionRequest {
        try FnV1.RunFunctionRequest(serializedBytes: bytes)
    }
}
