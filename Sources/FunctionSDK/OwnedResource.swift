/// A composed resource the function renders: its key in `desired.resources` (a string) and the
/// partial object, both rendered during the call, and its readiness.
package struct OwnedResource {
    package var key: Rendered
    package var object: Rendered
    package var ready: FnV1.Ready

    /// Nil, with the misuse noted for the call's Fatal result, unless `key` is a string and
    /// `object` an object.
    package init?(checking key: Rendered, _ object: Rendered, ready: FnV1.Ready) {
        guard key.isEncodedString, object.isEncodedObject else {
            RenderArena.current.pointee.report(
                "a composed resource needs a rendered string as its key and a rendered object as its object")
            return nil
        }
        self.key = key
        self.object = object
        self.ready = ready
    }
}
