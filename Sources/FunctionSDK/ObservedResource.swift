/// A composed resource as core observed it: the full object and its connection details.
public struct ObservedResource: Sendable {
    public var object: JSON.Object
    public var connectionDetails: [String: [UInt8]]

    public init(object: JSON.Object, connectionDetails: [String: [UInt8]] = [:]) {
        self.object = object
        self.connectionDetails = connectionDetails
    }

    /// The `Ready` condition: `status.conditions[type=Ready]`.
    public var readyCondition: JSON.Object? {
        guard let conditions = JSON.object(object)[path: ["status", "conditions"]]?.list else { return nil }
        for c in conditions where c["type"]?.string == "Ready" { return c.object }
        return nil
    }

    /// Ready when its Ready condition has status "True" (compositions.md §1).
    public var isReady: Bool { readyCondition?["status"]?.string == "True" }
}
