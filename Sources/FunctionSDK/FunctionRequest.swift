/// Typed access to what a composition function reads from a request: the observed XR and composed
/// resources (decoded on demand), the input, and the desired state of earlier steps (kept raw).
public struct FunctionRequest: Sendable {
    public let view: RequestView

    public init(_ view: RequestView) { self.view = view }

    /// One entry of `desired.resources` as received: its key and the whole map-entry field.
    public struct RawEntry: Sendable {
        public var key: String
        public var field: Range<Int>
    }

    /// The desired State of earlier steps, as byte ranges of `view.bytes`.
    public struct RawState: Sendable {
        public var composite: Range<Int>?
        public var resources: [RawEntry] = []
        /// Fields of State this proto does not know: copied as they are.
        public var unknown: [Range<Int>] = []
    }

    // MARK: Observed

    public func observedComposite() throws -> ObservedResource? {
        guard let state = view.payload(RequestView.Field.observed) else { return nil }
        var composite: ObservedResource?
        try state.withUnsafeBufferPointer { b in
            try WireFormat.forEachField(b, in: 0..<b.count) { f in
                if f.number == 1 && f.wireType == .lengthDelimited {
                    composite = try Self.decodeResource(state, b, f.range)
                }
            }
        }
        return composite
    }

    /// The observed composed resources by key (their objects are read on demand).
    public func observedResources() throws -> [String: ObservedResource] {
        guard let state = view.payload(RequestView.Field.observed) else { return [:] }
        var out: [String: ObservedResource] = [:]
        try state.withUnsafeBufferPointer { b in
            try WireFormat.forEachField(b, in: 0..<b.count) { f in
                guard f.number == 2 && f.wireType == .lengthDelimited else { return }
                var key = ""
                var resource = ObservedResource(encoded: [])
                try WireFormat.forEachField(b, in: f.range) { e in
                    if e.number == 1 && e.wireType == .lengthDelimited {
                        key = String(decoding: UnsafeBufferPointer(rebasing: b[e.range]), as: UTF8.self)
                    } else if e.number == 2 && e.wireType == .lengthDelimited {
                        resource = try Self.decodeResource(state, b, e.range)
                    }
                }
                out[key] = resource
            }
        }
        return out
    }

    /// A Resource message in `range` of `b`, the buffer of `source`: its object stays a slice of
    /// `source`, its connection details are copied out.
    static func decodeResource(_ source: ArraySlice<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws
        -> ObservedResource
    {
        var r = ObservedResource(encoded: [])
        try WireFormat.forEachField(b, in: range) { f in
            guard f.wireType == .lengthDelimited else { return }
            if f.number == 1 {
                let base = source.startIndex
                r = ObservedResource(
                    encoded: source[(base + f.range.lowerBound)..<(base + f.range.upperBound)],
                    connectionDetails: r.connectionDetails)
            } else if f.number == 2 {
                let (key, value) = try decodeBytesEntry(b, f.range)
                r.connectionDetails[key] = value
            }
        }
        return r
    }

    /// A `map<string, bytes>` entry: key in field 1, value in field 2 (missing value = empty).
    static func decodeBytesEntry(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws -> (String, [UInt8]) {
        var key = ""
        var value: [UInt8] = []
        try WireFormat.forEachField(b, in: range) { e in
            guard e.wireType == .lengthDelimited else { return }
            if e.number == 1 { key = String(decoding: UnsafeBufferPointer(rebasing: b[e.range]), as: UTF8.self) }
            if e.number == 2 { value = Array(b[e.range]) }
        }
        return (key, value)
    }

    // MARK: Input

    /// The step's `input`, or nil when the step has none.
    public func input() throws -> JSON.Object? {
        guard let payload = view.payload(RequestView.Field.input) else { return nil }
        return try StructCodec.decodeStruct(payload)
    }

    // MARK: Desired

    public func desiredState() throws -> RawState {
        var s = RawState()
        guard let ranges = view.ranges(RequestView.Field.desired) else { return s }
        try view.bytes.withUnsafeBufferPointer { b in
            for range in ranges {
                try WireFormat.forEachField(b, in: range) { f in
                    if f.number == 1 && f.wireType == .lengthDelimited {
                        s.composite = f.range
                    } else if f.number == 2 && f.wireType == .lengthDelimited {
                        var key = ""
                        try WireFormat.forEachField(b, in: f.range) { e in
                            if e.number == 1 && e.wireType == .lengthDelimited {
                                key = String(decoding: UnsafeBufferPointer(rebasing: b[e.range]), as: UTF8.self)
                            }
                        }
                        // Duplicate keys: the last entry wins.
                        s.resources.removeAll { $0.key == key }
                        s.resources.append(RawEntry(key: key, field: f.fullRange))
                    } else {
                        s.unknown.append(f.fullRange)
                    }
                }
            }
        }
        return s
    }

    /// The desired composite of earlier steps: its object (possibly empty) and connection details.
    public func desiredComposite() throws -> ObservedResource? {
        guard let r = try desiredState().composite else { return nil }
        let all = view.bytes[...]
        return try all.withUnsafeBufferPointer { try Self.decodeResource(all, $0, r) }
    }
}
