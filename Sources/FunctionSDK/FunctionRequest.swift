import Foundation
import SwiftProtobuf

/// One RunFunction request, read the way function-sdk-go's `request` package reads one: the
/// observed composite and composed resources, the desired state of earlier steps, the input, the
/// context, required resources, credentials and capabilities. Objects are read in place from the
/// bytes that came in and decoded only as far as a function asks.
public struct FunctionRequest: Sendable {
    package let view: RequestView

    package init(_ view: RequestView) { self.view = view }

    /// A request from its serialized bytes (what `FunctionRunnerService.call` receives).
    public init(bytes: [UInt8]) throws { self.init(try RequestView(bytes: bytes)) }

    /// A request from the generated message (tests build requests this way).
    public init(_ message: FnV1.RunFunctionRequest) throws { try self.init(bytes: message.serializedBytes()) }

    /// The request as the generated message, decoded whole (slower than the typed accessors).
    public func message() throws -> FnV1.RunFunctionRequest { try view.message() }

    /// `meta.tag`: core's identifier of this request, echoed in the response.
    public func tag() throws -> String { try view.tag() }

    /// One entry of `desired.resources` as received: its key and the whole map-entry field.
    package struct RawEntry: Sendable {
        package var key: String
        package var field: Range<Int>
    }

    /// The desired State of earlier steps, as byte ranges of `view.bytes`.
    package struct RawState: Sendable {
        package var composite: Range<Int>?
        package var resources: [RawEntry] = []
        /// Fields of State this proto does not know: copied as they are.
        package var unknown: [Range<Int>] = []
    }

    // MARK: Observed

    /// The observed composite resource (the XR), or nil when the request has none.
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

    // MARK: Input and context

    /// The step's `input`, or nil when the step has none.
    public func input() throws -> JSON.Object? {
        guard let payload = view.payload(RequestView.Field.input) else { return nil }
        return try StructCodec.decodeStruct(payload)
    }

    /// The step's `input` decoded into `type` (with `JSONDecoder`), or nil when the step has none.
    /// A mismatch throws `InputError`, which names the field and what was wrong with it.
    public func input<T: Decodable>(as type: T.Type) throws -> T? {
        guard let object = try input() else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(CanonicalJSON.encode(.object(object)).utf8))
        } catch let error as DecodingError {
            throw InputError(error)
        }
    }

    /// The pipeline context that earlier steps wrote, or nil when there is none.
    public func context() throws -> JSON.Object? {
        guard let payload = view.payload(RequestView.Field.context) else { return nil }
        return try StructCodec.decodeStruct(payload)
    }

    // MARK: Required resources, credentials, capabilities

    /// Resources Crossplane fetched because an earlier response required them (`FunctionResponse.require`),
    /// by requirement name: `required_resources`, and `extra_resources` from cores before 2.0.
    public func requiredResources() throws -> [String: [ObservedResource]] {
        let m = try partialMessage([6, 8])
        var out: [String: [ObservedResource]] = [:]
        for (name, resources) in m.extraResources.merging(m.requiredResources, uniquingKeysWith: { $1 }) {
            out[name] = try resources.items.map { r in
                let object = ArraySlice(try r.resource.serializedBytes() as [UInt8])
                return ObservedResource(encoded: object, connectionDetails: r.connectionDetails.mapValues { Array($0) })
            }
        }
        return out
    }

    /// Credentials the Composition passes to this step, by name: each a map of keys to bytes.
    /// Never log them.
    public func credentials() throws -> [String: [String: [UInt8]]] {
        try partialMessage([7]).credentials.mapValues { c in c.credentialData.data.mapValues { Array($0) } }
    }

    /// What the calling core supports (Crossplane 2 sends its capabilities; older cores send none).
    public func capabilities() throws -> [FnV1.Capability] { try partialMessage([1]).meta.capabilities }

    /// The request with only the given top-level fields, decoded by swift-protobuf (the large
    /// observed and desired states are skipped, not decoded).
    private func partialMessage(_ fields: [Int]) throws -> FnV1.RunFunctionRequest {
        var bytes: [UInt8] = []
        for f in fields {
            for r in view.ranges(f) ?? [] { WireFormat.appendField(f, view.bytes[r], to: &bytes) }
        }
        return try FnV1.RunFunctionRequest(serializedBytes: bytes)
    }

    // MARK: Desired

    package func desiredState() throws -> RawState {
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

    /// The composed resources earlier steps desire, by key.
    public func desiredResources() throws -> [String: ObservedResource] {
        let all = view.bytes[...]
        var out: [String: ObservedResource] = [:]
        try all.withUnsafeBufferPointer { b in
            for entry in try desiredState().resources {
                try WireFormat.forEachField(b, in: entry.field) { f in
                    guard f.number == 2, f.wireType == .lengthDelimited else { return }
                    try WireFormat.forEachField(b, in: f.range) { e in
                        if e.number == 2 && e.wireType == .lengthDelimited {
                            out[entry.key] = try Self.decodeResource(all, b, e.range)
                        }
                    }
                }
            }
        }
        return out
    }
}
