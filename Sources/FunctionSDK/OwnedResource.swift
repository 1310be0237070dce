/// A composed resource the function renders: its key in `desired.resources` (a string) and the
/// partial object, both rendered in the current `RenderArena.scope`, and its readiness.
public struct OwnedResource {
    public var key: Rendered
    public var object: Rendered
    public var ready: Ready

    public init(key: Rendered, object: Rendered, ready: Ready) {
        guard key.isEncodedString, object.isEncodedObject else {
            preconditionFailure("a composed resource is a string key and an object")
        }
        self.key = key
        self.object = object
        self.ready = ready
    }
}
