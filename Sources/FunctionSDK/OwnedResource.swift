/// A composed resource the function renders: its key in `desired.resources`, the partial object
/// (rendered in the current `RenderArena.scope`) and its readiness.
public struct OwnedResource {
    public var key: String
    public var object: Rendered
    public var ready: Ready

    public init(key: String, object: Rendered, ready: Ready) {
        guard case .encodedObject = object else { preconditionFailure("a composed resource is an object") }
        self.key = key
        self.object = object
        self.ready = ready
    }
}
