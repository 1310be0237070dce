import Foundation

/// Writes `desired` for a function that owns some resources: entries of earlier steps are copied as
/// raw bytes unless the function renders the same key (then its object, connection details and
/// readiness replace them); XR status fields and connection details are merged into the desired
/// composite, whose other fields stay as they came.
@usableFromInline
package struct StateWriter {
    @usableFromInline package var owned: [OwnedResource] = []
    /// Status fields to merge into `desired.composite.resource.status`.
    package var compositeStatus: JSON.Object = JSON.Object()
    /// Connection details to merge into `desired.composite.connection_details`.
    package var compositeConnectionDetails: [(key: String, value: [UInt8])] = []
    /// Used to start `desired.composite` when no earlier step wrote one: apiVersion, kind and name.
    package var compositeSkeleton: JSON.Object = JSON.Object()

    package init() {}

    /// A whole message in one buffer of its exact size: `head`, then the State as length-delimited
    /// field `field`, then `tail`. The State is written in place, not built apart and copied in (a
    /// rendered State is most of a response). Owned objects are already encoded (`Rendered`): each
    /// is copied in whole. Call it inside the render that made them.
    package func encode(request: FunctionRequest, head: [UInt8], field: Int, tail: [UInt8]) throws -> [UInt8] {
        let raw = try request.desiredState()
        let composite = try compositeField(raw, request)
        // (A first pipeline step has no earlier resources: no set of keys to build then.)
        let copied: [Range<Int>]
        if raw.resources.isEmpty {
            copied = []
        } else {
            let ownedKeys = Set(owned.map { $0.key.string ?? "" })
            copied = raw.resources.filter { !ownedKeys.contains($0.key) }.map(\.field)
        }

        // Sizes of each owned entry: the map entry, its Resource and its Struct.
        var layout: [(structure: Int, resource: Int, entry: Int)] = []
        layout.reserveCapacity(owned.count)
        var total = composite.map { 1 + WireFormat.varintSize(UInt64($0.count)) + $0.count } ?? 0
        for r in copied { total += r.count }
        for u in raw.unknown { total += u.count }
        for r in owned {
            let structure = r.object.structBytes.count
            let resource =
                1 + WireFormat.varintSize(UInt64(structure)) + structure
                + (r.ready != .unspecified ? 1 + WireFormat.varintSize(UInt64(r.ready.rawValue)) : 0)
            let kn = r.key.encodedCount
            let entry =
                1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(resource)) + resource
            layout.append((structure, resource, entry))
            total += 1 + WireFormat.varintSize(UInt64(entry)) + entry
        }

        let bytes = request.view.bytes
        let size = head.count + 1 + WireFormat.varintSize(UInt64(total)) + total + tail.count
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let base = buffer.baseAddress!
            var w = ByteWriter(base)
            head.withUnsafeBufferPointer { w.bytes($0) }
            w.byte(UInt8(field << 3 | 2))
            w.varint(UInt64(total))
            bytes.withUnsafeBufferPointer { b in
                if let composite {
                    w.byte(WireTag.stateComposite)
                    w.varint(UInt64(composite.count))
                    composite.withUnsafeBufferPointer { w.bytes($0) }
                }
                for r in copied { w.bytes(UnsafeBufferPointer(rebasing: b[r])) }
                // Read in place: copying an OwnedResource out would retain its key and object.
                owned.withUnsafeBufferPointer { owned in
                    for i in owned.indices {
                        let l = layout[i]
                        w.byte(WireTag.stateResources)
                        w.varint(UInt64(l.entry))
                        w.byte(WireTag.entryKey)
                        w.varint(UInt64(owned[i].key.encodedCount))
                        w.bytes(owned[i].key.utf8)
                        w.byte(WireTag.entryValue)
                        w.varint(UInt64(l.resource))
                        w.byte(WireTag.resourceObject)
                        w.varint(UInt64(l.structure))
                        w.bytes(owned[i].object.structBytes)
                        if owned[i].ready != .unspecified {
                            w.byte(WireTag.resourceReady)
                            w.varint(UInt64(owned[i].ready.rawValue))
                        }
                    }
                }
                for u in raw.unknown { w.bytes(UnsafeBufferPointer(rebasing: b[u])) }
            }
            tail.withUnsafeBufferPointer { w.bytes($0) }
            count = w.offset(from: base)
        }
        precondition(out.count == size, "State encoding wrote \(out.count) bytes, sized \(size)")
        return out
    }

    var touchesComposite: Bool { !compositeStatus.isEmpty || !compositeConnectionDetails.isEmpty }

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
