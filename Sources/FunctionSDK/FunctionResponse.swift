import SwiftProtobuf

/// The answer to one call, started the way function-sdk-go's `response.To` starts one: the
/// request's tag, its desired state and context passed on unchanged, and a TTL. A function then
/// changes only what it owns: composed resources, the composite's status and connection details,
/// results, conditions, context keys and requirements.
///
/// Desired state of earlier pipeline steps is copied as the bytes it came in (unknown fields
/// included), and rendered objects are copied in whole: nothing is decoded and encoded again.
public struct FunctionResponse {
    /// The request this answers (its tag, desired state and context are echoed).
    public let request: FunctionRequest
    /// How long Crossplane may wait before calling again; nil leaves `meta.ttl` unset.
    public var ttl: Duration?
    /// Results in the order they were added.
    public private(set) var results: [FnV1.Result] = []
    /// Conditions in the order they were added.
    public private(set) var conditions: [FnV1.Condition] = []
    @usableFromInline var state = StateWriter()
    var requirements: FnV1.Requirements?
    var contextChanges: [(key: String, value: JSON)] = []

    /// function-sdk-go's default: call again within a minute.
    public static let defaultTTL: Duration = .seconds(60)

    /// A response that passes everything on unchanged, with `ttl` (nil: no TTL).
    public static func to(_ request: FunctionRequest, ttl: Duration? = defaultTTL) -> FunctionResponse {
        FunctionResponse(request: request, ttl: ttl)
    }

    // MARK: Results

    /// Adds a result. A Fatal one makes Crossplane stop the pipeline and apply nothing.
    public mutating func add(_ result: FnV1.Result) { results.append(result) }

    /// Adds a Fatal result: the composite is not reconciled, and `message` is reported on `target`.
    public mutating func fatal(_ message: String, reason: String? = nil, target: FnV1.Target? = nil) {
        add(Self.result(.fatal, message, reason, target))
    }

    /// Adds a Warning result: reconciling goes on, and `message` becomes a Warning event.
    public mutating func warning(_ message: String, reason: String? = nil, target: FnV1.Target? = nil) {
        add(Self.result(.warning, message, reason, target))
    }

    /// Adds a Normal result: `message` becomes a Normal event.
    public mutating func normal(_ message: String, reason: String? = nil, target: FnV1.Target? = nil) {
        add(Self.result(.normal, message, reason, target))
    }

    /// Whether a Fatal result was added.
    public var isFatal: Bool { results.contains { $0.severity == .fatal } }

    static func result(_ severity: FnV1.Severity, _ message: String, _ reason: String?, _ target: FnV1.Target?)
        -> FnV1.Result
    {
        var r = FnV1.Result()
        r.severity = severity
        r.message = message
        if let reason { r.reason = reason }
        if let target { r.target = target }
        return r
    }

    // MARK: Conditions

    /// Sets a condition of the composite (Crossplane 1.17 and later show it in its status).
    public mutating func setCondition(
        _ type: String, status: FnV1.ConditionStatus, reason: String, message: String? = nil,
        target: FnV1.Target? = nil
    ) {
        var c = FnV1.Condition()
        c.type = type
        c.status = status
        c.reason = reason
        if let message { c.message = message }
        if let target { c.target = target }
        add(c)
    }

    /// Adds a condition as built; a later one of the same type replaces it.
    public mutating func add(_ condition: FnV1.Condition) {
        conditions.removeAll { $0.type == condition.type }
        conditions.append(condition)
    }

    // MARK: Desired state

    /// Composes one resource under `key`, replacing an earlier step's resource of that key.
    /// `object` must be a rendered object made during this call.
    @inlinable
    public mutating func compose(_ key: ResourceKey, _ object: Rendered, ready: FnV1.Ready = .unspecified) {
        guard let owned = OwnedResource(checking: key, object, ready: ready) else { return }
        state.owned.append(owned)
    }

    /// Composes a resource of the template kit with the readiness the function decided.
    @inlinable
    public mutating func compose(_ resource: Composed, ready: FnV1.Ready = .unspecified) {
        compose(resource.key, resource.object, ready: ready)
    }

    /// Makes room for `count` more composed resources (a template knows how many it makes).
    public mutating func reserveCapacity(_ count: Int) { state.owned.reserveCapacity(state.owned.count + count) }

    /// Sets `status.<key>` of the desired composite (other status fields stay as they came).
    public mutating func setCompositeStatus(_ key: String, _ value: JSON) { state.compositeStatus[key] = value }

    /// Sets a connection detail of the composite (Crossplane 1 writes it to the claim's secret).
    public mutating func setConnectionDetail(_ key: String, _ value: [UInt8]) {
        state.compositeConnectionDetails.removeAll { $0.key == key }
        state.compositeConnectionDetails.append((key, value))
    }

    // MARK: Context and requirements

    /// Sets a key of the pipeline context that later steps read (other keys pass on unchanged).
    public mutating func setContext(_ key: String, _ value: JSON) {
        contextChanges.removeAll { $0.key == key }
        contextChanges.append((key, value))
    }

    /// Asks Crossplane to fetch resources and call again with them under `name` in
    /// `FunctionRequest.requiredResources()`: by name when `matchName` is given, else by labels.
    public mutating func require(
        _ name: String, apiVersion: String, kind: String, matchName: String? = nil,
        matchLabels: [String: String] = [:], namespace: String? = nil
    ) {
        var s = FnV1.ResourceSelector()
        s.apiVersion = apiVersion
        s.kind = kind
        if let matchName {
            s.matchName = matchName
        } else {
            var l = FnV1.MatchLabels()
            l.labels = matchLabels
            s.matchLabels = l
        }
        if let namespace { s.namespace = namespace }
        var r = requirements ?? FnV1.Requirements()
        r.resources[name] = s
        requirements = r
    }

    // MARK: Encoding

    /// The serialized RunFunctionResponse. Called inside the call that rendered the objects (the
    /// SDK does, right after `run`).
    package func serialized() throws -> [UInt8] {
        let view = request.view
        let (seconds, nanos) = Self.components(ttl)
        let tag = try view.tag()
        guard state.owned.isEmpty && !state.touchesComposite else {
            var head = ResponseWriter(capacity: 64)
            head.meta(tag: tag, ttlSeconds: seconds, ttlNanos: nanos)
            var tail = ResponseWriter(capacity: 512)
            try writeTail(&tail)
            var state = state
            if state.touchesComposite { state.compositeSkeleton = try skeleton() }
            return try state.encode(
                request: request, head: head.bytes, field: ResponseWriter.Field.desired, tail: tail.bytes)
        }
        // Nothing owned: the desired state goes back as it came, in one buffer with the rest.
        var w = ResponseWriter(capacity: view.bytes.count + 64 + results.count * 128)
        w.meta(tag: tag, ttlSeconds: seconds, ttlNanos: nanos)
        if let desired = view.payload(RequestView.Field.desired) { w.raw(ResponseWriter.Field.desired, desired) }
        try writeTail(&w)
        return w.bytes
    }

    /// The fields after `desired`, in field-number order as swift-protobuf writes them: results,
    /// context, requirements, conditions.
    private func writeTail(_ w: inout ResponseWriter) throws {
        let view = request.view
        for r in results { w.result(r) }
        if contextChanges.isEmpty {
            if let context = view.payload(RequestView.Field.context) { w.raw(ResponseWriter.Field.context, context) }
        } else {
            var context = try view.payload(RequestView.Field.context).map(StructCodec.decodeStruct) ?? JSON.Object()
            for (k, v) in contextChanges { context[k] = v }
            w.raw(ResponseWriter.Field.context, StructCodec.encodedStruct(context))
        }
        if let requirements { try w.message(ResponseWriter.Field.requirements, requirements) }
        for c in conditions { try w.message(ResponseWriter.Field.conditions, c) }
    }

    /// What starts `desired.composite` when no earlier step wrote one: the observed composite's
    /// apiVersion, kind, name and namespace.
    private func skeleton() throws -> JSON.Object {
        guard let xr = try request.observedComposite() else { return JSON.Object() }
        var skeleton: JSON.Object = ["apiVersion": xr[path: "apiVersion"], "kind": xr[path: "kind"]]
        skeleton["metadata"] = ["name": xr[path: "metadata", "name"], "namespace": xr[path: "metadata", "namespace"]]
        return skeleton
    }

    static func components(_ d: Duration?) -> (Int64, Int32) {
        guard let d else { return (0, 0) }
        return (d.components.seconds, Int32(d.components.attoseconds / 1_000_000_000))
    }
}
