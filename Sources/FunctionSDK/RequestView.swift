import GRPC

/// A RunFunctionRequest as received: the serialized bytes and where each top-level field lies.
/// Pass-through state (desired, context) is never decoded, so it goes back byte for byte, unknown
/// fields and all, at the cost of a copy.
public struct RequestView: Sendable {
    public let bytes: [UInt8]
    /// Payload ranges per field number (a message field sent twice is merged by concatenation, as
    /// protobuf defines merging).
    public private(set) var ranges: [Int: [Range<Int>]] = [:]

    public enum Field {
        public static let meta = 1, observed = 2, desired = 3, input = 4, context = 5
    }

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var ranges: [Int: [Range<Int>]] = [:]
        try bytes.withUnsafeBufferPointer { buffer in
            try WireFormat.forEachField(buffer, in: 0..<buffer.count) { field in
                guard field.number <= 9 else { return }   // unknown top-level request fields: not echoed
                guard field.wireType == .lengthDelimited else {
                    throw WireFormat.Malformed(reason: "field \(field.number) has wire type \(field.wireType.rawValue)")
                }
                ranges[field.number, default: []].append(field.range)
                // What is echoed (desired, context) or quoted (meta.tag) must be well-formed, or
                // the answer would be unparseable by the caller.
                let shape: (String, MessageShape)? = switch field.number {
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
        self.ranges = ranges
    }

    public func has(_ field: Int) -> Bool { ranges[field] != nil }

    /// The payload of a message field, merged if it was sent more than once.
    public func payload(_ field: Int) -> ArraySlice<UInt8>? {
        guard let rs = ranges[field] else { return nil }
        if rs.count == 1 { return bytes[rs[0]] }
        var merged: [UInt8] = []
        for r in rs { merged += bytes[r] }
        return merged[...]
    }

    /// `meta.tag`, or "" when the request has no meta (core before 1.20, render up to v2.1).
    public func tag() throws -> String {
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
    public func message() throws -> RunFunctionRequest {
        try RunFunctionRequest(serializedBytes: bytes)
    }
}
