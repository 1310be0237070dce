import Foundation

/// Writes `desired` for a function that owns some resources: entries of earlier steps are copied as
/// raw bytes unless the function renders the same key (then its object, connection details and
/// readiness replace them); XR status fields and connection details are merged into the desired
/// composite, whose other fields stay as they came.
public struct StateWriter {
    public var owned: [OwnedResource] = []
    /// Status fields to merge into `desired.composite.resource.status`.
    public var compositeStatus: JSON.Object = JSON.Object()
    /// Connection details to merge into `desired.composite.connection_details`.
    public var compositeConnectionDetails: [(key: String, value: [UInt8])] = []
    /// Used to start `desired.composite` when there is none (compositions.md §10 step 7).
    public var compositeSkeleton: JSON.Object = JSON.Object()

    public init() {}

    /// The serialized State.
    public func encode(request: FunctionRequest) throws -> [UInt8] {
        let raw = try request.desiredState()
        let bytes = request.view.bytes
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + owned.count * 512)

        if let composite = try compositeField(raw, request) {
            WireFormat.appendField(1, composite, to: &out)
        }
        let ownedKeys = Set(owned.map(\.key))
        for entry in raw.resources where !ownedKeys.contains(entry.key) {
            out += bytes[entry.field]
        }
        var resource: [UInt8] = []
        for r in owned {
            resource.removeAll(keepingCapacity: true)
            WireFormat.appendField(1, StructCodec.encodedStruct(r.object), to: &resource)
            if r.ready != .unspecified {
                WireFormat.appendTag(3, .varint, to: &resource)
                WireFormat.appendVarint(UInt64(r.ready.rawValue), to: &resource)
            }
            WireFormat.appendMapEntry(2, key: r.key, value: resource, to: &out)
        }
        for u in raw.unknown { out += bytes[u] }
        return out
    }

    private var touchesComposite: Bool { !compositeStatus.isEmpty || !compositeConnectionDetails.isEmpty }

    /// The composite Resource payload: raw when untouched, otherwise rebuilt keeping unknown fields.
    private func compositeField(_ raw: FunctionRequest.RawState, _ request: FunctionRequest) throws -> [UInt8]? {
        let bytes = request.view.bytes
        guard touchesComposite else { return raw.composite.map { Array(bytes[$0]) } }
        var object = JSON.Object()
        var details: [(String, [UInt8])] = []
        var others: [UInt8] = []
        if let range = raw.composite {
            try bytes.withUnsafeBufferPointer { b in
                try WireFormat.forEachField(b, in: range) { f in
                    if f.number == 1 && f.wireType == .lengthDelimited {
                        object = try StructCodec.decodeStruct(b, f.range, depth: 0)
                    } else if f.number == 2 && f.wireType == .lengthDelimited {
                        let (key, value) = try FunctionRequest.decodeBytesEntry(b, f.range)
                        details.removeAll { $0.0 == key }
                        details.append((key, value))
                    } else {
                        others += b[f.fullRange]
                    }
                }
            }
        }
        if object.isEmpty { object = compositeSkeleton }
        if !compositeStatus.isEmpty {
            var status = object["status"]?.object ?? JSON.Object()
            for (k, v) in compositeStatus.entries { status[k] = v }
            object["status"] = .object(status)
        }
        for (k, v) in compositeConnectionDetails {
            details.removeAll { $0.0 == k }
            details.append((k, v))
        }
        var out: [UInt8] = []
        WireFormat.appendField(1, StructCodec.encodedStruct(object), to: &out)
        for (k, v) in details { WireFormat.appendMapEntry(2, key: k, value: v, to: &out) }
        out += others
        return out
    }
}
