/// A composed resource the function renders: its key in `desired.resources`, the partial object and
/// its readiness.
public struct OwnedResource: Sendable {
    public var key: String
    public var object: JSON.Object
    public var ready: Ready

    public init(key: String, object: JSON.Object, ready: Ready) {
        self.key = key
        self.object = object
        self.ready = ready
    }
}
